#include "cli/command_line.h"

#include <fmt/format.h>

#include <algorithm>

namespace berth::cli {

Invocation::Invocation(CommandEnv& env, CommandInfo info, std::vector<std::string> words)
    : env(env), info_(std::move(info)), words_(std::move(words)), app_(info_.description, command_path()) {
  app_.allow_extras();
  app_.set_help_flag("-h,--help", "Print usage");
}

// pflag takes "-H=false" for a short flag; CLI11 only "--human=false".
std::vector<std::string> Invocation::normalized_words() const {
  std::vector<std::string> words;
  for (size_t i = 0; i < words_.size(); ++i) {
    const std::string& word = words_[i];
    if (word == "--") {  // the rest are arguments, whatever they look like
      words.insert(words.end(), words_.begin() + i, words_.end());
      break;
    }
    if (word.size() > 3 && word[0] == '-' && word[1] != '-' && word[2] == '=') {
      const CLI::Option* option = app_.get_option_no_throw(std::string("-") + word[1]);
      if (option && !option->get_lnames().empty()) {
        words.push_back("--" + option->get_lnames().front() + word.substr(2));
        continue;
      }
    }
    words.push_back(word);
  }
  return words;
}

std::optional<int> Invocation::parse(ArgCount count) {
  std::vector<std::string> words = normalized_words();
  std::reverse(words.begin(), words.end());  // CLI11 takes them last first
  try {
    app_.parse(words);
  } catch (const CLI::CallForHelp&) {
    env.out(help_text());
    return 0;
  } catch (const CLI::ArgumentMismatch& error) {
    return flag_error(missing_argument_message(error));
  } catch (const CLI::ParseError& error) {
    return flag_error(error.what());
  }

  bool after_dashes = false;
  for (const std::string& word : app_.remaining()) {
    if (!after_dashes && word == "--") {
      after_dashes = true;
      continue;
    }
    if (!after_dashes && word.size() > 1 && word[0] == '-') return flag_error(unknown_flag_message(word));
    args_.push_back(word);
  }

  const int given = static_cast<int>(args_.size());
  if (given >= count.min && (count.max < 0 || given <= count.max)) return std::nullopt;
  return report_argument_count(count);
}

int Invocation::report_argument_count(ArgCount count) {
  auto plural = [](int n) { return n == 1 ? "argument" : "arguments"; };
  std::string requirement;
  if (count.max == 0)
    requirement = "accepts no arguments";
  else if (count.min == count.max)
    requirement = fmt::format("requires exactly {} {}", count.min, plural(count.min));
  else if (count.max < 0)
    requirement = fmt::format("requires at least {} {}", count.min, plural(count.min));
  else if (count.min == 0)
    requirement = fmt::format("requires at most {} {}", count.max, plural(count.max));
  else
    requirement = fmt::format("requires at least {} and at most {} {}", count.min, count.max, plural(count.max));
  env.err(fmt::format("\"{}\" {}.\nSee '{} --help'.\n\nUsage:  {} {}\n\n{}\n", command_path(), requirement,
                      command_path(), command_path(), info_.usage, info_.description));
  return 1;
}

int Invocation::flag_error(const std::string& message) {
  env.err(fmt::format("{}\nSee '{} --help'.\n", message, command_path()));
  return usage_error_status;
}

std::string Invocation::missing_argument_message(const CLI::ArgumentMismatch& error) const {
  std::string what = error.what();
  std::string name = what.substr(0, what.find(':'));
  const CLI::Option* option = app_.get_option_no_throw(name);
  if (!option) return fmt::format("flag needs an argument: {}", name);
  // Name the flag the way it was typed: the last word that gave it.
  for (auto word = words_.rbegin(); word != words_.rend(); ++word) {
    if (word->starts_with("--")) {
      if (option->check_lname(word->substr(2))) return fmt::format("flag needs an argument: {}", *word);
    } else if (word->size() > 1 && (*word)[0] == '-' && option->check_sname(word->substr(word->size() - 1))) {
      return fmt::format("flag needs an argument: '{}' in {}", word->back(), *word);
    }
  }
  if (!option->get_lnames().empty()) return fmt::format("flag needs an argument: --{}", option->get_lnames().front());
  return fmt::format("flag needs an argument: {}", name);
}

std::string Invocation::unknown_flag_message(const std::string& word) const {
  if (word.starts_with("--")) return fmt::format("unknown flag: {}", word.substr(0, word.find('=')));
  // CLI11 splits "-az" and hands back "-z": find the word it came from.
  const char shorthand = word[1];
  for (const std::string& typed : words_) {
    if (typed == "--") break;
    if (typed.size() > 1 && typed[0] == '-' && typed[1] != '-' && typed.find(shorthand) != std::string::npos)
      return fmt::format("unknown shorthand flag: '{}' in {}", shorthand, typed);
  }
  return fmt::format("unknown shorthand flag: '{}' in {}", shorthand, word);
}

namespace {

// The App's options and those of its option groups (nameless subcommands,
// whose flags parse as the App's own), without positionals.
void collect_flags(const CLI::App& app, std::vector<const CLI::Option*>& flags) {
  for (const CLI::Option* option : app.get_options()) {
    bool named = !option->get_lnames().empty() || !option->get_snames().empty();
    if (named && option != app.get_help_ptr()) flags.push_back(option);
  }
  for (const CLI::App* group : app.get_subcommands([](const CLI::App* sub) { return sub->get_name().empty(); }))
    collect_flags(*group, flags);
}

}  // namespace

std::string options_help(const CLI::App& app) {
  struct Line {
    std::string sort_key, flag, description;
  };
  std::vector<Line> lines;
  std::vector<const CLI::Option*> flags;
  collect_flags(app, flags);
  for (const CLI::Option* option : flags) {
    const auto& longs = option->get_lnames();
    const auto& shorts = option->get_snames();
    std::string flag = shorts.empty() ? "      " : fmt::format("  -{}, ", shorts.front());
    flag += longs.empty() ? "" : "--" + longs.front();
    if (option->get_type_size_max() > 0 && !option->get_type_name().empty()) flag += " " + option->get_type_name();
    lines.push_back({longs.empty() ? shorts.front() : longs.front(), flag, option->get_description()});
  }
  std::sort(lines.begin(), lines.end(), [](const Line& a, const Line& b) { return a.sort_key < b.sort_key; });
  size_t width = 0;
  for (const Line& line : lines) width = std::max(width, line.flag.size());
  std::string out;
  for (const Line& line : lines) {
    std::string description = line.description;
    // Continuation lines of a description line up under its first line.
    for (size_t at = description.find('\n'); at != std::string::npos; at = description.find('\n', at + 1))
      description.insert(at + 1, std::string(width + 3, ' '));
    out += fmt::format("{:<{}}   {}\n", line.flag, width, description);
  }
  return out;
}

std::string Invocation::help_text() const {
  std::string out = fmt::format("\nUsage:  {} {}\n\n{}\n", command_path(), info_.usage, info_.description);
  if (!info_.aliases.empty()) out += fmt::format("\nAliases:\n  {}\n", info_.aliases);
  std::string options = options_help(app_);
  if (!options.empty()) out += "\nOptions:\n" + options;
  return out;
}

}  // namespace berth::cli
