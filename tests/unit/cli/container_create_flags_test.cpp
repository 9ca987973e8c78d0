// berth run/create flags, parsed through the Invocation machinery as the
// commands parse them: docker's names, defaults, conversions and error words
// (and exit statuses), with a fake environment, working directory and CPU
// count, and files only in a private temporary directory.
#include "cli/container_create_flags.h"

#include <gtest/gtest.h>
#include <stdio.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace berth::cli {
namespace {

// A private directory for env, label and seccomp files; removed at the end.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "berth-create-flags-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) ? pattern : "";
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  std::string write(const std::string& name, std::string_view content) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file, std::ios::binary).write(content.data(), static_cast<std::streamsize>(content.size()));
    return file;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

CreateFlagsHost test_host() {
  CreateFlagsHost host;
  static const std::map<std::string, std::string> environment = {{"HOME", "/root"}, {"EMPTY", ""}};
  host.lookup_env = [](const std::string& key) -> std::optional<std::string> {
    auto found = environment.find(key);
    return found == environment.end() ? std::nullopt : std::optional<std::string>(found->second);
  };
  host.cwd = "/work/dir";
  host.cpu_count = 4;
  return host;
}

struct Parsed {
  std::optional<int> status;  // nothing: parsed and converted
  std::string out, err;
  CreateFlags flags;
};

// Runs `berth run WORDS` (or create) up to where the command would act.
Parsed parse(std::vector<std::string> words, bool is_run = true) {
  char *out_buffer = nullptr, *err_buffer = nullptr;
  size_t out_size = 0, err_size = 0;
  FILE* out = open_memstream(&out_buffer, &out_size);
  FILE* err = open_memstream(&err_buffer, &err_size);
  Parsed parsed;
  {
    CommandEnv env(
        Io{.in = stdin, .out = out, .err = err}, EngineOptions{},
        [](const EngineOptions&) -> Result<std::unique_ptr<ImageService>> { return fail("no images here"); });
    CommandInfo info =
        is_run ? CommandInfo{"run", "[OPTIONS] IMAGE [COMMAND] [ARG...]",
                             "Create and run a new container from an image", "berth container run, berth run"}
               : CommandInfo{"create", "[OPTIONS] IMAGE [COMMAND] [ARG...]", "Create a new container",
                             "berth container create, berth create"};
    Invocation invocation(env, info, std::move(words));
    parsed.status = parse_create_command_line(invocation, parsed.flags, is_run, test_host());
  }
  std::fclose(out);
  std::fclose(err);
  parsed.out.assign(out_buffer, out_size);
  parsed.err.assign(err_buffer, err_size);
  std::free(out_buffer);
  std::free(err_buffer);
  return parsed;
}

// Parses, expecting success; the flags.
CreateFlags ok(std::vector<std::string> words, bool is_run = true) {
  Parsed parsed = parse(std::move(words), is_run);
  EXPECT_FALSE(parsed.status) << "status " << parsed.status.value_or(0) << ": " << parsed.err;
  return std::move(parsed.flags);
}

// Parses, expecting docker's exit 125 with a configuration error: "berth: WHY.\nSee ...".
std::string config_error(std::vector<std::string> words, bool is_run = true) {
  Parsed parsed = parse(std::move(words), is_run);
  EXPECT_EQ(parsed.status, std::optional<int>(125)) << parsed.err;
  const std::string see = is_run ? "\nSee 'berth run --help'.\n" : "\nSee 'berth create --help'.\n";
  EXPECT_TRUE(parsed.err.starts_with("berth: ")) << parsed.err;
  EXPECT_TRUE(parsed.err.ends_with("." + see)) << parsed.err;
  EXPECT_EQ(parsed.out, "");
  if (!parsed.err.starts_with("berth: ") || !parsed.err.ends_with("." + see)) return parsed.err;
  return parsed.err.substr(7, parsed.err.size() - 7 - see.size() - 1);
}

// Parses, expecting pflag's rejection of a flag value (exit 125); the first line.
std::string value_error(std::vector<std::string> words) {
  Parsed parsed = parse(std::move(words));
  EXPECT_EQ(parsed.status, std::optional<int>(125)) << parsed.err;
  EXPECT_TRUE(parsed.err.ends_with("\nSee 'berth run --help'.\n")) << parsed.err;
  return parsed.err.substr(0, parsed.err.find('\n'));
}

// ---- IMAGE, COMMAND and the command line itself ----

TEST(CreateFlagsCommandLine, EverythingAfterTheImageIsTheCommand) {
  CreateFlags flags = ok({"busybox", "ls", "-l"});
  EXPECT_EQ(flags.image, "busybox");
  EXPECT_EQ(flags.command, (std::vector<std::string>{"ls", "-l"}));
  EXPECT_EQ(flags.config.image, "busybox");
  EXPECT_EQ(flags.config.cmd, (std::vector<std::string>{"ls", "-l"}));

  flags = ok({"-d", "--rm", "busybox", "sh", "-c", "echo hi", "--name", "x", "-d"});
  EXPECT_TRUE(flags.detach);
  EXPECT_TRUE(flags.host.auto_remove);
  EXPECT_EQ(flags.name, "");
  EXPECT_EQ(flags.command, (std::vector<std::string>{"sh", "-c", "echo hi", "--name", "x", "-d"}));
}

TEST(CreateFlagsCommandLine, DoubleDashBeforeAndAfterTheImage) {
  CreateFlags flags = ok({"--", "busybox", "-d"});
  EXPECT_EQ(flags.image, "busybox");
  EXPECT_FALSE(flags.detach);
  EXPECT_EQ(flags.command, (std::vector<std::string>{"-d"}));
  // After the image, "--" is the command's, as with pflag's SetInterspersed(false).
  flags = ok({"busybox", "--", "ls"});
  EXPECT_EQ(flags.command, (std::vector<std::string>{"--", "ls"}));
}

TEST(CreateFlagsCommandLine, NoImageIsDockersArgumentCountError) {
  Parsed parsed = parse({"-d"});
  EXPECT_EQ(parsed.status, std::optional<int>(1));
  EXPECT_EQ(parsed.err,
            "\"berth run\" requires at least 1 argument.\nSee 'berth run --help'.\n\n"
            "Usage:  berth run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\n"
            "Create and run a new container from an image\n");
  parsed = parse({}, /*is_run=*/false);
  EXPECT_EQ(parsed.status, std::optional<int>(1));
  EXPECT_TRUE(parsed.err.starts_with("\"berth create\" requires at least 1 argument.\n")) << parsed.err;
}

TEST(CreateFlagsCommandLine, UnknownFlagsAndRunOnlyFlags) {
  Parsed parsed = parse({"--bogus", "busybox"});
  EXPECT_EQ(parsed.status, std::optional<int>(125));
  EXPECT_EQ(parsed.err, "unknown flag: --bogus\nSee 'berth run --help'.\n");
  parsed = parse({"-d", "busybox"}, /*is_run=*/false);  // create has no -d
  EXPECT_EQ(parsed.status, std::optional<int>(125));
  EXPECT_EQ(parsed.err, "unknown shorthand flag: 'd' in -d\nSee 'berth create --help'.\n");
  parsed = parse({"--sig-proxy=false", "busybox"}, /*is_run=*/false);
  EXPECT_EQ(parsed.err, "unknown flag: --sig-proxy\nSee 'berth create --help'.\n");
  parsed = parse({"busybox", "--memory"});  // after the image: the command's word, not a flag
  EXPECT_FALSE(parsed.status) << parsed.err;
  parsed = parse({"--memory"});
  EXPECT_EQ(parsed.status, std::optional<int>(125));
  EXPECT_EQ(parsed.err, "flag needs an argument: --memory\nSee 'berth run --help'.\n");
}

TEST(CreateFlagsCommandLine, HelpIsLongOnlyBecauseDashHIsHostname) {
  Parsed parsed = parse({"--help"});
  EXPECT_EQ(parsed.status, std::optional<int>(0));
  EXPECT_NE(parsed.out.find("  -h, --hostname string"), std::string::npos) << parsed.out;
  EXPECT_NE(parsed.out.find("  -m, --memory bytes"), std::string::npos);
  EXPECT_NE(parsed.out.find("  -d, --detach"), std::string::npos);
  EXPECT_EQ(parsed.out.find("IMAGE\n"), std::string::npos);  // positionals are not options
  EXPECT_EQ(parsed.out.find("COMMAND   "), std::string::npos);
  EXPECT_EQ(ok({"-h", "myhost", "busybox"}).config.hostname, "myhost");
  EXPECT_EQ(parse({"--help"}, false).out.find("--detach"), std::string::npos);
}

// The flags are declared in several CLI11 option groups (see
// add_create_flags): the help lists each of them once, none of the groups'
// own help flags, and flags of different groups combine as shorthands.
TEST(CreateFlagsCommandLine, FlagsOfEveryOptionGroupAreListedOnceAndCombine) {
  Parsed parsed = parse({"--help"});
  ASSERT_EQ(parsed.status, std::optional<int>(0));
  std::map<std::string, int> seen;
  size_t flag_lines = 0;
  for (size_t start = 0, end; (end = parsed.out.find('\n', start)) != std::string::npos; start = end + 1) {
    std::string line = parsed.out.substr(start, end - start);
    size_t dashes = line.find("--");
    if (!line.starts_with("  ") || dashes == std::string::npos || dashes > 6) continue;
    ++flag_lines;
    ++seen[line.substr(dashes, line.find(' ', dashes) - dashes)];
  }
  EXPECT_GT(flag_lines, 90u) << parsed.out;
  for (const auto& [flag, count] : seen) EXPECT_EQ(count, 1) << flag;
  EXPECT_EQ(seen.count("--help"), 0u);
  EXPECT_EQ(seen.count("--init"), 1u);  // the last declared
  CreateFlags flags = ok({"-dtP", "--init", "--name", "web", "busybox"});
  EXPECT_TRUE(flags.detach);
  EXPECT_TRUE(flags.tty);
  EXPECT_TRUE(flags.host.publish_all_ports);
  EXPECT_EQ(flags.name, "web");
}

TEST(CreateFlagsCommandLine, DefaultsAreDockers) {
  CreateFlags flags = ok({"busybox"});
  EXPECT_EQ(flags.pull, PullPolicy::missing);
  EXPECT_TRUE(flags.sig_proxy);
  EXPECT_FALSE(flags.detach);
  EXPECT_EQ(flags.host.network_mode, "default");
  EXPECT_EQ(flags.host.restart_policy.name, "no");
  EXPECT_EQ(flags.host.restart_policy.maximum_retry_count, 0);
  EXPECT_EQ(flags.host.log_config.type, "");
  EXPECT_FALSE(flags.config.attach_stdin);
  EXPECT_TRUE(flags.config.attach_stdout);
  EXPECT_TRUE(flags.config.attach_stderr);
  EXPECT_FALSE(flags.config.open_stdin);
  EXPECT_FALSE(flags.config.stdin_once);
  EXPECT_FALSE(flags.config.entrypoint);
  EXPECT_FALSE(flags.config.stop_timeout);
  EXPECT_EQ(flags.config.stop_signal, "");
  EXPECT_FALSE(flags.config.healthcheck);
  EXPECT_FALSE(flags.host.init);
  EXPECT_FALSE(flags.host.pids_limit);
  EXPECT_FALSE(flags.host.memory_swappiness);
  EXPECT_FALSE(flags.host.oom_kill_disable);
  EXPECT_FALSE(flags.host.masked_paths);
  EXPECT_TRUE(flags.config.env.empty());
  EXPECT_TRUE(flags.host.binds.empty());
  EXPECT_EQ(flags.host.memory, 0);
  EXPECT_EQ(flags.host.nano_cpus, 0);
}

// ---- Attach, stdin, tty, detach ----

TEST(CreateFlagsAttach, InteractiveTtyAsDockerSetsThem) {
  CreateFlags flags = ok({"-it", "busybox", "sh"});
  EXPECT_TRUE(flags.tty);
  EXPECT_TRUE(flags.interactive);
  EXPECT_TRUE(flags.config.tty);
  EXPECT_TRUE(flags.config.open_stdin);
  EXPECT_TRUE(flags.config.attach_stdin);
  EXPECT_TRUE(flags.config.stdin_once);
  EXPECT_TRUE(flags.config.attach_stdout);

  flags = ok({"-dit", "busybox", "sh"});  // detached: nothing attached, stdin stays open
  EXPECT_TRUE(flags.config.open_stdin);
  EXPECT_FALSE(flags.config.attach_stdin);
  EXPECT_FALSE(flags.config.attach_stdout);
  EXPECT_FALSE(flags.config.attach_stderr);
  EXPECT_FALSE(flags.config.stdin_once);

  flags = ok({"-i", "busybox"}, /*is_run=*/false);  // create attaches as parse() says
  EXPECT_TRUE(flags.config.attach_stdin);
  EXPECT_TRUE(flags.config.stdin_once);
}

TEST(CreateFlagsAttach, AttachStreams) {
  CreateFlags flags = ok({"-a", "stdin", "--attach=STDOUT", "busybox"});
  EXPECT_TRUE(flags.config.attach_stdin);
  EXPECT_TRUE(flags.config.attach_stdout);
  EXPECT_FALSE(flags.config.attach_stderr);
  EXPECT_FALSE(flags.config.stdin_once);  // not -i
  EXPECT_EQ(value_error({"-a", "stdio", "busybox"}),
            "invalid argument \"stdio\" for \"-a, --attach\" flag: valid streams are STDIN, STDOUT and STDERR");
  EXPECT_EQ(config_error({"-d", "-a", "stdout", "busybox"}), "Conflicting options: -a and -d");
}

TEST(CreateFlagsAttach, RunOnlyFlags) {
  CreateFlags flags = ok({"--sig-proxy=false", "--detach-keys", "ctrl-x,x", "busybox"});
  EXPECT_FALSE(flags.sig_proxy);
  EXPECT_EQ(flags.detach_keys, "ctrl-x,x");
  EXPECT_TRUE(flags.is_run);
  EXPECT_FALSE(ok({"busybox"}, false).is_run);
}

// ---- Identity, command, entrypoint ----

TEST(CreateFlagsIdentity, NameUserWorkdirHostnames) {
  CreateFlags flags = ok({"--name", "web_1", "-u", "1000:1000", "-w", "/srv", "--hostname", "h", "--domainname",
                          "example.com", "busybox"});
  EXPECT_EQ(flags.name, "web_1");
  EXPECT_EQ(flags.config.user, "1000:1000");
  EXPECT_EQ(flags.config.working_dir, "/srv");
  EXPECT_EQ(flags.config.hostname, "h");
  EXPECT_EQ(flags.config.domainname, "example.com");
  EXPECT_EQ(ok({"--name", "first", "--name", "second", "busybox"}).name, "second");  // the last one counts, as pflag
  EXPECT_EQ(config_error({"--name", "x", "busybox"}),
            "Invalid container name (x), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
  EXPECT_EQ(config_error({"--name", "-bad", "busybox"}),
            "Invalid container name (-bad), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
  EXPECT_EQ(config_error({"--name", "a b", "busybox"}),
            "Invalid container name (a b), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
  EXPECT_EQ(config_error({"-w", "srv", "busybox"}),
            "the working directory 'srv' is invalid, it needs to be an absolute path");
}

TEST(CreateFlagsIdentity, EntrypointEmptyClearsIt) {
  EXPECT_EQ(ok({"--entrypoint", "/bin/sh", "busybox"}).config.entrypoint,
            std::optional<std::vector<std::string>>(std::vector<std::string>{"/bin/sh"}));
  CreateFlags flags = ok({"--entrypoint", "", "busybox"});
  ASSERT_TRUE(flags.config.entrypoint);
  EXPECT_TRUE(flags.config.entrypoint->empty());
}

TEST(CreateFlagsIdentity, StopSignalAndTimeout) {
  CreateFlags flags = ok({"--stop-signal", "SIGUSR1", "--stop-timeout", "30", "busybox"});
  EXPECT_EQ(flags.config.stop_signal, "SIGUSR1");
  EXPECT_EQ(flags.config.stop_timeout, std::optional<int>(30));
  EXPECT_EQ(ok({"--stop-signal", "9", "busybox"}).config.stop_signal, "9");
  EXPECT_EQ(ok({"--stop-signal", "rtmin+3", "busybox"}).config.stop_signal, "rtmin+3");
  EXPECT_EQ(ok({"--stop-timeout", "0", "busybox"}).config.stop_timeout, std::optional<int>(0));
  EXPECT_EQ(config_error({"--stop-signal", "SIGNOPE", "busybox"}), "Invalid signal: SIGNOPE");
  EXPECT_EQ(value_error({"--stop-timeout", "ten", "busybox"}),
            "invalid argument \"ten\" for \"--stop-timeout\" flag: strconv.ParseInt: parsing \"ten\": invalid syntax");
  EXPECT_EQ(value_error({"--stop-timeout", "99999999999", "busybox"}),
            "invalid argument \"99999999999\" for \"--stop-timeout\" flag: strconv.ParseInt: parsing "
            "\"99999999999\": value out of range");
}

// ---- Environment and labels ----

TEST(CreateFlagsEnvironment, KeyValueAndBareKeys) {
  CreateFlags flags =
      ok({"-e", "A=1", "-e", "B=", "-e", "UNSET", "-e", "HOME", "--env=EMPTY", "-e", "C=x=y", "busybox"});
  EXPECT_EQ(flags.config.env, (std::vector<std::string>{"A=1", "B=", "HOME=/root", "EMPTY=", "C=x=y"}));
  EXPECT_EQ(value_error({"-e", "=x", "busybox"}),
            "invalid argument \"=x\" for \"-e, --env\" flag: invalid environment variable: =x");
  EXPECT_EQ(value_error({"-e", "", "busybox"}),
            "invalid argument \"\" for \"-e, --env\" flag: invalid environment variable: ");
}

TEST(CreateFlagsEnvironment, EnvFileThenFlags) {
  TempDir dir;
  const std::string file = dir.write("vars.env",
                                     "\xEF\xBB\xBF# a comment\n"
                                     "\n"
                                     "   \t\n"
                                     "A=1\r\n"
                                     "  SPACED=  kept  \n"
                                     "QUOTED=\"not unquoted\"\n"
                                     "HOME\n"
                                     "UNSET\n"
                                     "EMPTY\n"
                                     "#NOT=this\n"
                                     "LAST=no newline");
  CreateFlags flags = ok({"--env-file", file, "-e", "A=2", "busybox"});
  EXPECT_EQ(flags.config.env, (std::vector<std::string>{"A=1", "SPACED=  kept  ", "QUOTED=\"not unquoted\"",
                                                        "HOME=/root", "EMPTY=", "LAST=no newline", "A=2"}));
}

TEST(CreateFlagsEnvironment, EnvFileErrorsNameFileAndLine) {
  TempDir dir;
  const std::string missing = dir.path() + "/nope.env";
  EXPECT_EQ(config_error({"--env-file", missing, "busybox"}), "open " + missing + ": No such file or directory");
  std::string file = dir.write("space.env", "OK=1\nA B=2\n");
  EXPECT_EQ(config_error({"--env-file", file, "busybox"}),
            "invalid env file (" + file + "): line 2: variable 'A B' contains whitespaces");
  file = dir.write("noname.env", "=value\n");
  EXPECT_EQ(config_error({"--env-file", file, "busybox"}),
            "invalid env file (" + file + "): line 1: no variable name on line '=value'");
  file = dir.write("binary.env", std::string("A=1\nB=\xff\xfe\x80junk\n", 12));
  EXPECT_EQ(config_error({"--env-file", file, "busybox"}),
            "invalid env file (" + file + "): invalid utf8 bytes at line 2");
  file = dir.write("nul.env", std::string("A=1\0B\n", 6));
  EXPECT_EQ(config_error({"--env-file", file, "busybox"}),
            "invalid env file (" + file + "): line 1: contains a NUL byte");
  file = dir.write("long.env", "A=1\nB=" + std::string(70'000, 'x') + "\n");
  EXPECT_EQ(config_error({"--env-file", file, "busybox"}),
            "invalid env file (" + file + "): line 2: longer than 65536 bytes (bufio.Scanner: token too long)");
  // A megabyte with no newline at all fails on the first line, without reading it whole first.
  file = dir.write("endless.env", std::string(1 << 20, 'y'));
  EXPECT_EQ(config_error({"--env-file", file, "busybox"}),
            "invalid env file (" + file + "): line 1: longer than 65536 bytes (bufio.Scanner: token too long)");
  // A line of exactly the limit is fine.
  file = dir.write("limit.env", "K=" + std::string(key_value_max_line - 2, 'v') + "\n");
  EXPECT_EQ(ok({"--env-file", file, "busybox"}).config.env.front().size(), key_value_max_line);
  // A directory is not a file.
  EXPECT_EQ(config_error({"--env-file", dir.path(), "busybox"}), "read " + dir.path() + ": Is a directory");
}

TEST(CreateFlagsLabels, FlagsFilesAndErrors) {
  TempDir dir;
  const std::string file = dir.write("labels", "# labels\ncom.example.a=1\ncom.example.b=from-file\nbare\n");
  CreateFlags flags = ok({"--label-file", file, "-l", "com.example.b=flag", "--label", "empty", "-l", "x=", "busybox"});
  EXPECT_EQ(flags.config.labels, (std::map<std::string, std::string>{
                                     {"com.example.a", "1"}, {"com.example.b", "flag"}, {"empty", ""}, {"x", ""}}));
  EXPECT_EQ(value_error({"-l", "", "busybox"}),
            "invalid argument \"\" for \"-l, --label\" flag: invalid label '': empty name");
  EXPECT_EQ(value_error({"-l", "=v", "busybox"}),
            "invalid argument \"=v\" for \"-l, --label\" flag: invalid label '=v': empty name");
  EXPECT_EQ(value_error({"-l", "a b=c", "busybox"}),
            "invalid argument \"a b=c\" for \"-l, --label\" flag: label 'a b' contains whitespaces");
  const std::string bad = dir.write("bad-labels", "ok=1\n\xc3\x28=2\n");
  EXPECT_EQ(config_error({"--label-file", bad, "busybox"}),
            "invalid label file (" + bad + "): invalid utf8 bytes at line 2");
  EXPECT_EQ(config_error({"--label-file", dir.path() + "/none", "busybox"}),
            "open " + dir.path() + "/none: No such file or directory");
}

// ---- Restart policy ----

TEST(CreateFlagsRestart, Policies) {
  EXPECT_EQ(ok({"--restart", "always", "busybox"}).host.restart_policy.name, "always");
  EXPECT_EQ(ok({"--restart", "unless-stopped", "busybox"}).host.restart_policy.name, "unless-stopped");
  RestartPolicy policy = ok({"--restart", "on-failure:3", "busybox"}).host.restart_policy;
  EXPECT_EQ(policy.name, "on-failure");
  EXPECT_EQ(policy.maximum_retry_count, 3);
  EXPECT_EQ(ok({"--restart", "on-failure", "busybox"}).host.restart_policy.maximum_retry_count, 0);
  EXPECT_TRUE(ok({"--restart", "no", "--rm", "busybox"}).host.auto_remove);
}

TEST(CreateFlagsRestart, DockersErrors) {
  EXPECT_EQ(config_error({"--restart", "on-failure:x", "busybox"}),
            "invalid restart policy format: maximum retry count must be an integer");
  EXPECT_EQ(config_error({"--restart", ":3", "busybox"}),
            "invalid restart policy format: no policy provided before colon");
  EXPECT_EQ(config_error({"--restart", "always:3", "busybox"}),
            "invalid restart policy: maximum retry count can only be used with 'on-failure'");
  EXPECT_EQ(config_error({"--restart", "unless-stopped:-1", "busybox"}),
            "invalid restart policy: maximum retry count can only be used with 'on-failure' and cannot be negative");
  EXPECT_EQ(config_error({"--restart", "on-failure:-2", "busybox"}),
            "invalid restart policy: maximum retry count cannot be negative");
  EXPECT_EQ(config_error({"--restart", "sometimes", "busybox"}),
            "invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or "
            "'unless-stopped'");
  EXPECT_EQ(config_error({"--restart", "always", "--rm", "busybox"}),
            "conflicting options: cannot specify both --restart and --rm");
  EXPECT_EQ(config_error({"--rm", "--restart=on-failure:2", "busybox"}, /*is_run=*/false),
            "conflicting options: cannot specify both --restart and --rm");
}

// ---- Memory and CPU ----

TEST(CreateFlagsResources, MemorySizes) {
  CreateFlags flags =
      ok({"-m", "512m", "--memory-reservation", "256M", "--memory-swap", "1g", "--shm-size", "64mb", "busybox"});
  EXPECT_EQ(flags.host.memory, 512LL << 20);
  EXPECT_EQ(flags.host.memory_reservation, 256LL << 20);
  EXPECT_EQ(flags.host.memory_swap, 1LL << 30);
  EXPECT_EQ(flags.host.shm_size, 64LL << 20);
  EXPECT_EQ(ok({"--memory=1.5g", "busybox"}).host.memory, 1536LL << 20);
  EXPECT_EQ(ok({"-m", "10485760", "busybox"}).host.memory, 10485760);
  EXPECT_EQ(ok({"-m", "64m", "--memory-swap", "-1", "busybox"}).host.memory_swap, -1);
  EXPECT_EQ(ok({"-m", "64m", "--memory-swappiness", "60", "busybox"}).host.memory_swappiness,
            std::optional<int64_t>(60));
}

TEST(CreateFlagsResources, MemoryErrors) {
  EXPECT_EQ(value_error({"-m", "xyz", "busybox"}),
            "invalid argument \"xyz\" for \"-m, --memory\" flag: invalid size: 'xyz'");
  EXPECT_EQ(value_error({"-m", "10zz", "busybox"}),
            "invalid argument \"10zz\" for \"-m, --memory\" flag: invalid suffix: 'zz'");
  EXPECT_EQ(value_error({"--memory-swap", "-2", "busybox"}),
            "invalid argument \"-2\" for \"--memory-swap\" flag: invalid size: '-2'");
  EXPECT_EQ(
      value_error({"--shm-size", "1.2.3m", "busybox"}),
      "invalid argument \"1.2.3m\" for \"--shm-size\" flag: strconv.ParseFloat: parsing \"1.2.3\": invalid syntax");
  EXPECT_EQ(config_error({"-m", "4m", "busybox"}), "Minimum memory limit allowed is 6MB");
  EXPECT_EQ(config_error({"--memory-swap", "1g", "busybox"}),
            "You should always set the Memory limit when using Memoryswap limit, see usage");
  EXPECT_EQ(config_error({"-m", "1g", "--memory-swap", "512m", "busybox"}),
            "Minimum memoryswap limit should be larger than memory limit, see usage");
  EXPECT_EQ(config_error({"--memory-reservation", "1m", "busybox"}), "Minimum memory reservation allowed is 6MB");
  EXPECT_EQ(config_error({"-m", "64m", "--memory-reservation", "128m", "busybox"}),
            "Minimum memory limit can not be less than memory reservation limit, see usage");
  EXPECT_EQ(config_error({"--memory-swappiness", "101", "busybox"}),
            "invalid value: 101. Valid memory swappiness range is 0-100");
}

TEST(CreateFlagsResources, Cpus) {
  EXPECT_EQ(ok({"--cpus", "1.5", "busybox"}).host.nano_cpus, 1'500'000'000);
  EXPECT_EQ(ok({"--cpus=0.25", "busybox"}).host.nano_cpus, 250'000'000);
  EXPECT_EQ(ok({"--cpus", "4", "busybox"}).host.nano_cpus, 4'000'000'000);
  CreateFlags flags = ok({"-c", "512", "--cpu-period", "100000", "--cpu-quota", "50000", "--cpuset-cpus", "0-2,3",
                          "--cpuset-mems", "0", "--cpu-rt-runtime", "950000", "busybox"});
  EXPECT_EQ(flags.host.cpu_shares, 512);
  EXPECT_EQ(flags.host.cpu_period, 100000);
  EXPECT_EQ(flags.host.cpu_quota, 50000);
  EXPECT_EQ(flags.host.cpuset_cpus, "0-2,3");
  EXPECT_EQ(flags.host.cpuset_mems, "0");
  EXPECT_EQ(flags.host.cpu_realtime_runtime, 950000);
  EXPECT_EQ(ok({"--cpu-shares=0x200", "busybox"}).host.cpu_shares, 512);  // strconv base 0, as pflag
}

TEST(CreateFlagsResources, CpuErrors) {
  EXPECT_EQ(value_error({"--cpus", "abc", "busybox"}),
            "invalid argument \"abc\" for \"--cpus\" flag: failed to parse abc as a rational number");
  EXPECT_EQ(value_error({"--cpus", "0.0000000001", "busybox"}),
            "invalid argument \"0.0000000001\" for \"--cpus\" flag: value is too precise");
  EXPECT_EQ(config_error({"--cpus", "5", "busybox"}),
            "Range of CPUs is from 0.01 to 4.00, as there are only 4 CPUs available");
  EXPECT_EQ(config_error({"--cpus", "-1", "busybox"}),
            "Range of CPUs is from 0.01 to 4.00, as there are only 4 CPUs available");
  EXPECT_EQ(config_error({"--cpus", "1", "--cpu-period", "100000", "busybox"}),
            "Conflicting options: Nano CPUs and CPU Period cannot both be set");
  EXPECT_EQ(config_error({"--cpus", "1", "--cpu-quota", "100000", "busybox"}),
            "Conflicting options: Nano CPUs and CPU Quota cannot both be set");
  EXPECT_EQ(config_error({"--cpu-period", "500", "busybox"}),
            "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
  EXPECT_EQ(config_error({"--cpu-quota", "999", "busybox"}), "CPU cfs quota can not be less than 1ms (i.e. 1000)");
  EXPECT_EQ(config_error({"--cpuset-cpus", "3-1", "busybox"}), "Invalid value 3-1 for cpuset cpus");
  EXPECT_EQ(config_error({"--cpuset-mems", "0,,1", "busybox"}), "Invalid value 0,,1 for cpuset mems");
  EXPECT_EQ(
      value_error({"-c", "abc", "busybox"}),
      "invalid argument \"abc\" for \"-c, --cpu-shares\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax");
}

TEST(CreateFlagsResources, PidsOomBlkio) {
  EXPECT_EQ(ok({"--pids-limit", "100", "busybox"}).host.pids_limit, std::optional<int64_t>(100));
  EXPECT_FALSE(ok({"--pids-limit", "-1", "busybox"}).host.pids_limit);
  EXPECT_EQ(ok({"--oom-score-adj", "-500", "busybox"}).host.oom_score_adj, -500);
  EXPECT_EQ(ok({"--oom-kill-disable", "busybox"}).host.oom_kill_disable, std::optional<bool>(true));
  EXPECT_EQ(ok({"--oom-kill-disable=false", "busybox"}).host.oom_kill_disable, std::optional<bool>(false));
  EXPECT_EQ(ok({"--blkio-weight", "300", "busybox"}).host.blkio_weight, 300);
  EXPECT_EQ(config_error({"--oom-score-adj", "1001", "busybox"}),
            "Invalid value 1001, range for oom score adj is [-1000, 1000]");
  EXPECT_EQ(config_error({"--blkio-weight", "5", "busybox"}), "Range of blkio weight is from 10 to 1000");
  EXPECT_EQ(value_error({"--blkio-weight", "70000", "busybox"}),
            "invalid argument \"70000\" for \"--blkio-weight\" flag: strconv.ParseUint: parsing \"70000\": value out "
            "of range");
  EXPECT_EQ(value_error({"--pids-limit", "1e3", "busybox"}),
            "invalid argument \"1e3\" for \"--pids-limit\" flag: strconv.ParseInt: parsing \"1e3\": invalid syntax");
}

TEST(CreateFlagsResources, BlockIoDevices) {
  CreateFlags flags =
      ok({"--blkio-weight-device", "/dev/sda:200", "--device-read-bps", "/dev/sda:1mb", "--device-write-bps",
          "/dev/sdb:10", "--device-read-iops", "/dev/sda:1000", "--device-write-iops", "/dev/sdb:0", "busybox"});
  EXPECT_EQ(flags.host.blkio_weight_device, nlohmann::json::parse(R"([{"Path":"/dev/sda","Weight":200}])"));
  EXPECT_EQ(flags.host.blkio_device_read_bps, nlohmann::json::parse(R"([{"Path":"/dev/sda","Rate":1048576}])"));
  EXPECT_EQ(flags.host.blkio_device_write_bps, nlohmann::json::parse(R"([{"Path":"/dev/sdb","Rate":10}])"));
  EXPECT_EQ(flags.host.blkio_device_read_iops, nlohmann::json::parse(R"([{"Path":"/dev/sda","Rate":1000}])"));
  EXPECT_EQ(flags.host.blkio_device_write_iops, nlohmann::json::parse(R"([{"Path":"/dev/sdb","Rate":0}])"));
  EXPECT_TRUE(ok({"busybox"}).host.blkio_weight_device.is_null());
  EXPECT_EQ(value_error({"--blkio-weight-device", "/dev/sda", "busybox"}),
            "invalid argument \"/dev/sda\" for \"--blkio-weight-device\" flag: bad format: /dev/sda");
  EXPECT_EQ(value_error({"--blkio-weight-device", "sda:10", "busybox"}),
            "invalid argument \"sda:10\" for \"--blkio-weight-device\" flag: bad format for device path: sda:10");
  EXPECT_EQ(
      value_error({"--blkio-weight-device", "/dev/sda:5", "busybox"}),
      "invalid argument \"/dev/sda:5\" for \"--blkio-weight-device\" flag: invalid weight for device: /dev/sda:5");
  EXPECT_EQ(
      value_error({"--device-read-bps", "/dev/sda:fast", "busybox"}),
      "invalid argument \"/dev/sda:fast\" for \"--device-read-bps\" flag: invalid rate for device: /dev/sda:fast. "
      "The correct format is <device-path>:<number>[<unit>]. Number must be a positive integer. Unit is "
      "optional and can be kb, mb, or gb");
  EXPECT_EQ(value_error({"--device-write-iops", "/dev/sda:1k", "busybox"}),
            "invalid argument \"/dev/sda:1k\" for \"--device-write-iops\" flag: invalid rate for device: /dev/sda:1k. "
            "The correct format is <device-path>:<number>. Number must be a positive integer");
}

TEST(CreateFlagsResources, Ulimits) {
  CreateFlags flags = ok({"--ulimit", "nofile=1024:2048", "--ulimit", "nproc=64", "--ulimit", "core=-1", "--ulimit",
                          "nofile=4096", "busybox"});
  ASSERT_EQ(flags.host.ulimits.size(), 3u);
  EXPECT_EQ(flags.host.ulimits[0].name, "nproc");
  EXPECT_EQ(flags.host.ulimits[0].soft, 64);
  EXPECT_EQ(flags.host.ulimits[0].hard, 64);
  EXPECT_EQ(flags.host.ulimits[1].name, "core");
  EXPECT_EQ(flags.host.ulimits[1].soft, -1);
  EXPECT_EQ(flags.host.ulimits[2].name, "nofile");  // the later one replaces the earlier
  EXPECT_EQ(flags.host.ulimits[2].soft, 4096);
  EXPECT_EQ(value_error({"--ulimit", "nofile=2048:1024", "busybox"}),
            "invalid argument \"nofile=2048:1024\" for \"--ulimit\" flag: ulimit soft limit must be less than or "
            "equal to hard limit: 2048 > 1024");
  EXPECT_EQ(value_error({"--ulimit", "bogus=1", "busybox"}),
            "invalid argument \"bogus=1\" for \"--ulimit\" flag: invalid ulimit type: bogus");
  EXPECT_EQ(value_error({"--ulimit", "nofile", "busybox"}),
            "invalid argument \"nofile\" for \"--ulimit\" flag: invalid ulimit argument: nofile");
  EXPECT_EQ(value_error({"--ulimit", "nofile=1:2:3", "busybox"}),
            "invalid argument \"nofile=1:2:3\" for \"--ulimit\" flag: too many limit value arguments - 1:2:3, can "
            "only have up to two, `soft[:hard]`");
  EXPECT_EQ(value_error({"--ulimit", "nofile=lots", "busybox"}),
            "invalid argument \"nofile=lots\" for \"--ulimit\" flag: strconv.ParseInt: parsing \"lots\": invalid "
            "syntax");
}

// ---- Security ----

TEST(CreateFlagsSecurity, CapabilitiesPrivilegedReadOnlyInit) {
  CreateFlags flags = ok({"--cap-add", "net_admin", "--cap-add", "CAP_SYS_TIME", "--cap-add", "NET_ADMIN", "--cap-drop",
                          "chown", "--cap-drop", "net_admin", "--privileged", "--read-only", "--init", "busybox"});
  EXPECT_EQ(flags.host.cap_add, (std::vector<std::string>{"CAP_NET_ADMIN", "CAP_SYS_TIME"}));
  EXPECT_EQ(flags.host.cap_drop, (std::vector<std::string>{"CAP_CHOWN"}));  // added beats dropped
  EXPECT_TRUE(flags.host.privileged);
  EXPECT_TRUE(flags.host.readonly_rootfs);
  EXPECT_EQ(flags.host.init, std::optional<bool>(true));
  EXPECT_EQ(ok({"--init=false", "busybox"}).host.init, std::optional<bool>(false));
  flags = ok({"--cap-drop", "ALL", "--cap-drop", "kill", "--cap-add", "all", "busybox"});
  EXPECT_EQ(flags.host.cap_add, (std::vector<std::string>{"ALL"}));
  EXPECT_EQ(flags.host.cap_drop, (std::vector<std::string>{}));
  EXPECT_EQ(config_error({"--cap-add", "superpowers", "busybox"}), "unknown capability: \"CAP_SUPERPOWERS\"");
}

TEST(CreateFlagsSecurity, SecurityOpts) {
  CreateFlags flags = ok({"--security-opt", "no-new-privileges", "--security-opt", "no-new-privileges:true",
                          "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
                          "--security-opt", "label=user:system_u", "--security-opt", "label=disable", "busybox"});
  EXPECT_EQ(flags.host.security_opt,
            (std::vector<std::string>{"no-new-privileges", "no-new-privileges:true", "seccomp=unconfined",
                                      "apparmor=unconfined", "label=user:system_u", "label=disable"}));
  flags = ok({"--security-opt", "systempaths=unconfined", "busybox"});
  EXPECT_TRUE(flags.host.security_opt.empty());
  ASSERT_TRUE(flags.host.masked_paths);
  EXPECT_TRUE(flags.host.masked_paths->empty());
  ASSERT_TRUE(flags.host.readonly_paths);
  EXPECT_TRUE(flags.host.readonly_paths->empty());

  EXPECT_EQ(config_error({"--security-opt", "foo", "busybox"}), "invalid --security-opt: \"foo\"");
  EXPECT_EQ(config_error({"--security-opt", "seccomp=", "busybox"}), "invalid --security-opt: \"seccomp=\"");
  EXPECT_EQ(config_error({"--security-opt", "foo=bar", "busybox"}), "invalid --security-opt 2: \"foo=bar\"");
  EXPECT_EQ(config_error({"--security-opt", "no-new-privileges=maybe", "busybox"}),
            "invalid --security-opt 2: \"no-new-privileges=maybe\"");
  EXPECT_EQ(config_error({"--security-opt", "label=bogus", "busybox"}),
            "bad label option \"bogus\", valid options 'disable' or 'user, role, level, type, filetype' followed by "
            "':' and a value");
}

TEST(CreateFlagsSecurity, SeccompProfileFileIsInlinedCompact) {
  TempDir dir;
  const std::string profile =
      dir.write("profile.json",
                "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n  \"architectures\": [ \"SCMP_ARCH_X86_64\" ],\n"
                "  \"syscalls\": [ { \"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\" } ]\n}\n");
  CreateFlags flags = ok({"--security-opt", "seccomp=" + profile, "busybox"});
  EXPECT_EQ(flags.host.security_opt,
            (std::vector<std::string>{
                "seccomp={\"defaultAction\":\"SCMP_ACT_ERRNO\",\"architectures\":[\"SCMP_ARCH_X86_64\"],"
                "\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ALLOW\"}]}"}));
  const std::string missing = dir.path() + "/missing.json";
  EXPECT_EQ(config_error({"--security-opt", "seccomp=" + missing, "busybox"}),
            "opening seccomp profile (" + missing + ") failed: open " + missing + ": No such file or directory");
  const std::string broken = dir.write("broken.json", "{\"defaultAction\": ");
  const std::string message = config_error({"--security-opt", "seccomp=" + broken, "busybox"});
  EXPECT_TRUE(message.starts_with("compacting json for seccomp profile (" + broken + ") failed: ")) << message;
  const std::string junk = dir.write("junk.json", std::string("\x00\xff\xfe", 3));
  EXPECT_TRUE(config_error({"--security-opt", "seccomp=" + junk, "busybox"}).starts_with("compacting json")) << junk;
}

TEST(CreateFlagsSecurity, NamespaceModes) {
  CreateFlags flags = ok({"--ipc", "shareable", "--pid", "host", "--uts", "host", "--userns", "host", "--cgroupns",
                          "private", "--cgroup-parent", "/mine", "busybox"});
  EXPECT_EQ(flags.host.ipc_mode, "shareable");
  EXPECT_EQ(flags.host.pid_mode, "host");
  EXPECT_EQ(flags.host.uts_mode, "host");
  EXPECT_EQ(flags.host.userns_mode, "host");
  EXPECT_EQ(flags.host.cgroupns_mode, "private");
  EXPECT_EQ(flags.host.cgroup_parent, "/mine");
  EXPECT_EQ(ok({"--pid", "container:db", "--ipc", "container:db", "busybox"}).host.pid_mode, "container:db");
  EXPECT_EQ(config_error({"--pid", "container:", "busybox"}), "--pid: invalid PID mode");
  EXPECT_EQ(config_error({"--pid", "private", "busybox"}), "--pid: invalid PID mode");
  EXPECT_EQ(config_error({"--uts", "container:x", "busybox"}), "--uts: invalid UTS mode");
  EXPECT_EQ(config_error({"--userns", "keep-id", "busybox"}), "--userns: invalid USER mode");
  EXPECT_EQ(config_error({"--cgroupns", "shared", "busybox"}), "--cgroupns: invalid CGROUP mode");
  EXPECT_EQ(config_error({"--ipc", "public", "busybox"}), "invalid IPC mode: public");
  EXPECT_EQ(ok({"--isolation", "default", "busybox"}).host.isolation, "default");
  EXPECT_EQ(config_error({"--isolation", "hyperv", "busybox"}),
            "Invalid isolation: \"hyperv\" - linux only supports 'default'");
}

// ---- Storage: -v, --mount, --tmpfs, --device ----

TEST(CreateFlagsStorage, VolumesBindsAndAnonymous) {
  CreateFlags flags = ok({"-v", "/host:/ctr:ro", "-v", "./data:/data", "-v", "../up:/up:rw,z", "-v", "named:/named",
                          "-v", "/anon", "--volume=/host:/ctr:ro", "-v", "/p:/prop:rshared", "busybox"});
  EXPECT_EQ(flags.host.binds, (std::vector<std::string>{"/host:/ctr:ro", "/work/dir/data:/data", "/work/up:/up:rw,z",
                                                        "named:/named", "/p:/prop:rshared"}));
  EXPECT_EQ(flags.config.volumes, (std::set<std::string>{"/anon"}));
  EXPECT_EQ(ok({"-v", ".:/src", "busybox"}).host.binds, (std::vector<std::string>{"/work/dir:/src"}));
}

TEST(CreateFlagsStorage, VolumeErrors) {
  EXPECT_EQ(config_error({"-v", "/a::/b", "busybox"}), "invalid spec: /a::/b: empty section between colons");
  // "a:" is a Windows drive to docker's CLI, so its daemon reads "a::b" as source "a", no target, mode "b".
  EXPECT_EQ(config_error({"-v", "a::b", "busybox"}), "invalid mode: b");
  EXPECT_EQ(config_error({"-v", "/a:/b:ro:x", "busybox"}), "invalid spec: /a:/b:ro:x: too many colons");
  EXPECT_EQ(config_error({"-v", "", "busybox"}), "invalid empty volume spec");
  EXPECT_EQ(config_error({"-v", "/a:/b:xyz", "busybox"}), "invalid mode: xyz");
  EXPECT_EQ(config_error({"-v", "/a:/b:ro,rw", "busybox"}), "invalid mode: ro,rw");
  EXPECT_EQ(config_error({"-v", "/a:/b:nocopy", "busybox"}), "invalid mode: nocopy");
  EXPECT_EQ(config_error({"-v", "/a:ro", "busybox"}), "invalid volume specification: '/a:ro'");
  EXPECT_EQ(config_error({"-v", "/a:rel", "busybox"}),
            "invalid volume specification: '/a:rel': invalid mount config for type \"bind\": invalid mount path: "
            "'rel' mount path must be absolute");
  EXPECT_EQ(config_error({"-v", "/a:/", "busybox"}),
            "invalid volume specification: '/a:/': invalid mount config for type \"bind\": invalid specification: "
            "destination can't be '/'");
  EXPECT_EQ(config_error({"-v", "relative/dir", "busybox"}),
            "invalid volume specification: 'relative/dir': invalid mount config for type \"volume\": invalid mount "
            "path: 'relative/dir' mount path must be absolute");
  EXPECT_EQ(config_error({"-v", "foo/bar:/x", "busybox"}),
            "create foo/bar: \"foo/bar\" includes invalid characters for a local volume name, only "
            "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path");
  EXPECT_EQ(config_error({"-v", "~/x:/x", "busybox"}),
            "create ~/x: \"~/x\" includes invalid characters for a local volume name, only "
            "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path");
  EXPECT_EQ(config_error({"-v", "vol:/x:rshared", "busybox"}),
            "invalid volume specification: 'vol:/x:rshared': invalid mount config for type \"volume\": field "
            "BindOptions must not be specified");
  EXPECT_EQ(config_error({"-v", "/a:/x", "-v", "/b:/x/", "busybox"}), "Duplicate mount point: /x");
}

TEST(CreateFlagsStorage, Mounts) {
  CreateFlags flags = ok({"--mount", "type=bind,source=/src,target=/dst,readonly,bind-propagation=rshared", "--mount",
                          "type=volume,src=data,dst=/data,volume-nocopy,volume-label=a=b,volume-driver=local,"
                          "volume-opt=o=addr",
                          "--mount", "type=tmpfs,destination=/scratch,tmpfs-size=64m,tmpfs-mode=1770", "--mount",
                          "type=bind,\"source=/with,comma\",target=/c", "--mount", "src=./rel,dst=/rel,type=BIND",
                          "--mount", "target=/anonymous", "busybox"});
  ASSERT_EQ(flags.host.mounts.size(), 6u);
  const MountSpec& bind = flags.host.mounts[0];
  EXPECT_EQ(bind.type, "bind");
  EXPECT_EQ(bind.source, "/src");
  EXPECT_EQ(bind.target, "/dst");
  EXPECT_TRUE(bind.read_only);
  ASSERT_TRUE(bind.bind_options);
  EXPECT_EQ(bind.bind_options->propagation, "rshared");
  const MountSpec& volume = flags.host.mounts[1];
  EXPECT_EQ(volume.type, "volume");
  EXPECT_EQ(volume.source, "data");
  ASSERT_TRUE(volume.volume_options);
  EXPECT_TRUE(volume.volume_options->no_copy);
  EXPECT_EQ(volume.volume_options->labels, (std::map<std::string, std::string>{{"a", "b"}}));
  ASSERT_TRUE(volume.volume_options->driver_config);
  EXPECT_EQ(volume.volume_options->driver_config->name, "local");
  EXPECT_EQ(volume.volume_options->driver_config->options, (std::map<std::string, std::string>{{"o", "addr"}}));
  const MountSpec& tmpfs = flags.host.mounts[2];
  EXPECT_EQ(tmpfs.type, "tmpfs");
  ASSERT_TRUE(tmpfs.tmpfs_options);
  EXPECT_EQ(tmpfs.tmpfs_options->size_bytes, 64LL << 20);
  EXPECT_EQ(tmpfs.tmpfs_options->mode, 01770u);
  EXPECT_EQ(flags.host.mounts[3].source, "/with,comma");
  EXPECT_EQ(flags.host.mounts[4].source, "/work/dir/rel");
  EXPECT_EQ(flags.host.mounts[4].type, "bind");
  EXPECT_EQ(flags.host.mounts[5].type, "volume");  // docker's default type
  EXPECT_EQ(flags.host.mounts[5].source, "");
}

TEST(CreateFlagsStorage, MountErrors) {
  auto mount_error = [](const std::string& value, const std::string& why) {
    return "invalid argument " + std::string(value.empty() ? "\"\"" : "\"" + value + "\"") +
           " for \"--mount\" flag: " + why;
  };
  EXPECT_EQ(value_error({"--mount", "type=bind,foo", "busybox"}),
            mount_error("type=bind,foo", "invalid field 'foo' must be a key=value pair"));
  EXPECT_EQ(value_error({"--mount", "type=bind,source=/a", "busybox"}),
            mount_error("type=bind,source=/a", "target is required"));
  EXPECT_EQ(value_error({"--mount", "type=,target=/a", "busybox"}), mount_error("type=,target=/a", "type is required"));
  EXPECT_EQ(value_error({"--mount", "foo=bar,target=/a", "busybox"}),
            mount_error("foo=bar,target=/a", "unexpected key 'foo' in 'foo=bar'"));
  EXPECT_EQ(value_error({"--mount", "type=tmpfs,target=/a,volume-nocopy", "busybox"}),
            mount_error("type=tmpfs,target=/a,volume-nocopy", "cannot mix 'volume-*' options with mount type 'tmpfs'"));
  EXPECT_EQ(
      value_error({"--mount", "type=volume,target=/a,tmpfs-size=1m", "busybox"}),
      mount_error("type=volume,target=/a,tmpfs-size=1m", "cannot mix 'tmpfs-*' options with mount type 'volume'"));
  EXPECT_EQ(value_error({"--mount", "type=bind,target=/a,readonly=maybe", "busybox"}),
            mount_error("type=bind,target=/a,readonly=maybe", "invalid value for readonly: maybe"));
  EXPECT_EQ(value_error({"--mount", "type=tmpfs,target=/a,tmpfs-mode=999", "busybox"}),
            mount_error("type=tmpfs,target=/a,tmpfs-mode=999", "invalid value for tmpfs-mode: 999"));
  EXPECT_EQ(value_error({"--mount", "type=tmpfs,target=/a,tmpfs-size=huge", "busybox"}),
            mount_error("type=tmpfs,target=/a,tmpfs-size=huge", "invalid value for tmpfs-size: huge"));
  EXPECT_EQ(value_error({"--mount", "type=bind,sou\"rce=/a,target=/b", "busybox"}),
            "invalid argument \"type=bind,sou\\\"rce=/a,target=/b\" for \"--mount\" flag: parse error on line 1, "
            "column 14: bare \" in non-quoted-field");
  EXPECT_EQ(value_error({"--mount", "\"type=bind,target=/b", "busybox"}),
            "invalid argument \"\\\"type=bind,target=/b\" for \"--mount\" flag: parse error on line 1, column 21: "
            "extraneous or missing \" in quoted-field");
  EXPECT_EQ(value_error({"--mount", "", "busybox"}), mount_error("", "EOF"));

  EXPECT_EQ(config_error({"--mount", "type=bind,target=/x", "busybox"}),
            "invalid mount config for type \"bind\": field Source must not be empty");
  EXPECT_EQ(config_error({"--mount", "type=bind,src=rel,dst=/x", "busybox"}),
            "invalid mount config for type \"bind\": invalid mount path: 'rel' mount path must be absolute");
  EXPECT_EQ(config_error({"--mount", "type=bind,src=/a,dst=x", "busybox"}),
            "invalid mount config for type \"bind\": invalid mount path: 'x' mount path must be absolute");
  EXPECT_EQ(config_error({"--mount", "type=bind,src=/a,dst=/x,bind-propagation=sideways", "busybox"}),
            "invalid mount config for type \"bind\": invalid propagation mode: sideways");
  EXPECT_EQ(config_error({"--mount", "type=tmpfs,src=/a,dst=/x", "busybox"}),
            "invalid mount config for type \"tmpfs\": field Source must not be specified");
  EXPECT_EQ(config_error({"--mount", "type=nfs,dst=/x", "busybox"}),
            "invalid mount config for type \"nfs\": mount type unknown");
  EXPECT_EQ(config_error({"--mount", "type=volume,dst=/x,ro", "busybox"}),
            "invalid mount config for type \"volume\": must not set ReadOnly mode when using anonymous volumes");
  EXPECT_EQ(config_error({"--mount", "type=volume,src=a/b,dst=/x", "busybox"}),
            "create a/b: \"a/b\" includes invalid characters for a local volume name, only "
            "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path");
  EXPECT_EQ(config_error({"--mount", "type=tmpfs,dst=/x", "-v", "/a:/x", "busybox"}), "Duplicate mount point: /x");
}

TEST(CreateFlagsStorage, Tmpfs) {
  CreateFlags flags = ok({"--tmpfs", "/run:rw,noexec,nosuid,size=65536k", "--tmpfs", "/tmp", "busybox"});
  EXPECT_EQ(flags.host.tmpfs,
            (std::map<std::string, std::string>{{"/run", "rw,noexec,nosuid,size=65536k"}, {"/tmp", ""}}));
  EXPECT_EQ(config_error({"--tmpfs", "run", "busybox"}), "invalid mount path: 'run' mount path must be absolute");
  EXPECT_EQ(config_error({"--tmpfs", "/", "busybox"}), "invalid specification: destination can't be '/'");
  EXPECT_EQ(config_error({"--tmpfs", "/run:rw,bogus", "busybox"}), "invalid tmpfs option [\"bogus\"]");
  EXPECT_EQ(config_error({"--tmpfs", "/run:colour=blue", "busybox"}), "invalid tmpfs option [\"colour\" \"blue\"]");
  EXPECT_EQ(ok({"--tmpfs", "/run", "--tmpfs", "/run/:size=1m", "busybox"}).host.tmpfs,
            (std::map<std::string, std::string>{{"/run/", "size=1m"}}));
  EXPECT_EQ(config_error({"--tmpfs", "/run", "-v", "/a:/run/", "busybox"}), "Duplicate mount point: /run");
}

TEST(CreateFlagsStorage, Devices) {
  CreateFlags flags = ok({"--device", "/dev/sda", "--device", "/dev/sdb:/dev/xvdc", "--device", "/dev/sdc:r",
                          "--device", "/dev/sdd:/dev/xvdd:rw", "--device", "/dev/../dev/sde", "busybox"});
  ASSERT_EQ(flags.host.devices.size(), 5u);
  auto expect = [](const DeviceMapping& device, std::string host, std::string container, std::string permissions) {
    EXPECT_EQ(device.path_on_host, host);
    EXPECT_EQ(device.path_in_container, container);
    EXPECT_EQ(device.cgroup_permissions, permissions);
  };
  expect(flags.host.devices[0], "/dev/sda", "/dev/sda", "rwm");
  expect(flags.host.devices[1], "/dev/sdb", "/dev/xvdc", "rwm");
  expect(flags.host.devices[2], "/dev/sdc", "/dev/sdc", "r");
  expect(flags.host.devices[3], "/dev/sdd", "/dev/xvdd", "rw");
  expect(flags.host.devices[4], "/dev/sde", "/dev/sde", "rwm");
  EXPECT_EQ(config_error({"--device", "/dev/sda:/dev/xvdc:rx", "busybox"}), "bad mode specified: rx");
  EXPECT_EQ(config_error({"--device", "/dev/sda:/dev/xvdc:rr", "busybox"}), "bad mode specified: rr");
  EXPECT_EQ(config_error({"--device", "sda", "busybox"}), "sda is not an absolute path");
  EXPECT_EQ(config_error({"--device", "/dev/sda:xvdc", "busybox"}), "xvdc is not an absolute path");
  EXPECT_EQ(config_error({"--device", "/a:/b:/c:/d", "busybox"}), "bad format for path: /a:/b:/c:/d");
  EXPECT_EQ(config_error({"--device", ":/dev/x", "busybox"}), "bad format for path: :/dev/x");
}

TEST(CreateFlagsStorage, DeviceCgroupRulesGroupsSysctlsShm) {
  CreateFlags flags = ok({"--device-cgroup-rule", "c 1:3 mr", "--device-cgroup-rule", "b *:* rwm", "--group-add",
                          "audio", "--group-add", "1001", "--sysctl", "net.ipv4.ip_forward=1", "--sysctl",
                          "kernel.shmmax=1", "--volumes-from", "data:ro", "busybox"});
  EXPECT_EQ(flags.host.device_cgroup_rules, (std::vector<std::string>{"c 1:3 mr", "b *:* rwm"}));
  EXPECT_EQ(flags.host.group_add, (std::vector<std::string>{"audio", "1001"}));
  EXPECT_EQ(flags.host.sysctls,
            (std::map<std::string, std::string>{{"net.ipv4.ip_forward", "1"}, {"kernel.shmmax", "1"}}));
  EXPECT_EQ(flags.host.volumes_from, (std::vector<std::string>{"data:ro"}));
  EXPECT_EQ(value_error({"--device-cgroup-rule", "x 1:3 r", "busybox"}),
            "invalid argument \"x 1:3 r\" for \"--device-cgroup-rule\" flag: invalid device cgroup format 'x 1:3 r'");
  EXPECT_EQ(value_error({"--sysctl", "kernel.hostname=x", "busybox"}),
            "invalid argument \"kernel.hostname=x\" for \"--sysctl\" flag: sysctl 'kernel.hostname=x' is not allowed");
  EXPECT_EQ(value_error({"--sysctl", "net.ipv4.ip_forward", "busybox"}),
            "invalid argument \"net.ipv4.ip_forward\" for \"--sysctl\" flag: sysctl 'net.ipv4.ip_forward' is not "
            "allowed");
}

// ---- Health checks ----

TEST(CreateFlagsHealth, ConfigFromFlags) {
  CreateFlags flags =
      ok({"--health-cmd", "curl -f http://localhost/", "--health-interval", "30s", "--health-timeout", "1m30s",
          "--health-retries", "3", "--health-start-period", "500ms", "--health-start-interval", "1.5s", "busybox"});
  ASSERT_TRUE(flags.config.healthcheck);
  const HealthConfig& health = *flags.config.healthcheck;
  EXPECT_EQ(health.test, (std::vector<std::string>{"CMD-SHELL", "curl -f http://localhost/"}));
  EXPECT_EQ(health.interval, 30'000'000'000);
  EXPECT_EQ(health.timeout, 90'000'000'000);
  EXPECT_EQ(health.retries, 3);
  EXPECT_EQ(health.start_period, 500'000'000);
  EXPECT_EQ(health.start_interval, 1'500'000'000);
  flags = ok({"--health-retries", "5", "busybox"});  // settings without a command inherit the image's test
  ASSERT_TRUE(flags.config.healthcheck);
  EXPECT_TRUE(flags.config.healthcheck->test.empty());
  flags = ok({"--no-healthcheck", "busybox"});
  ASSERT_TRUE(flags.config.healthcheck);
  EXPECT_EQ(flags.config.healthcheck->test, (std::vector<std::string>{"NONE"}));
}

TEST(CreateFlagsHealth, Errors) {
  EXPECT_EQ(config_error({"--no-healthcheck", "--health-retries", "1", "busybox"}),
            "--no-healthcheck conflicts with --health-* options");
  EXPECT_EQ(config_error({"--no-healthcheck", "--health-cmd", "true", "busybox"}),
            "--no-healthcheck conflicts with --health-* options");
  EXPECT_EQ(value_error({"--health-interval", "10", "busybox"}),
            "invalid argument \"10\" for \"--health-interval\" flag: time: missing unit in duration \"10\"");
  EXPECT_EQ(value_error({"--health-timeout", "5 s", "busybox"}),
            "invalid argument \"5 s\" for \"--health-timeout\" flag: time: unknown unit \" s\" in duration \"5 s\"");
  EXPECT_EQ(value_error({"--health-start-period", "soon", "busybox"}),
            "invalid argument \"soon\" for \"--health-start-period\" flag: time: invalid duration \"soon\"");
  EXPECT_EQ(config_error({"--health-interval", "-5s", "busybox"}), "--health-interval cannot be negative");
  EXPECT_EQ(config_error({"--health-retries", "-1", "busybox"}), "--health-retries cannot be negative");
  EXPECT_EQ(config_error({"--health-interval", "100us", "busybox"}), "Interval in Healthcheck cannot be less than 1ms");
  EXPECT_EQ(config_error({"--health-start-interval", "1ns", "busybox"}),
            "StartInterval in Healthcheck cannot be less than 1ms");
}

// ---- Logging ----

TEST(CreateFlagsLogging, DriverAndOptions) {
  CreateFlags flags = ok({"--log-driver", "json-file", "--log-opt", "max-size=10m", "--log-opt", "max-file=3",
                          "--log-opt", "compress=true", "--log-opt", "tag={{.Name}}", "busybox"});
  EXPECT_EQ(flags.host.log_config.type, "json-file");
  EXPECT_EQ(flags.host.log_config.config,
            (std::map<std::string, std::string>{
                {"max-size", "10m"}, {"max-file", "3"}, {"compress", "true"}, {"tag", "{{.Name}}"}}));
  EXPECT_EQ(ok({"--log-driver", "none", "busybox"}).host.log_config.type, "none");
  EXPECT_EQ(ok({"--log-opt", "max-size=1k", "busybox"}).host.log_config.type, "");  // the default driver's options

  EXPECT_EQ(config_error({"--log-driver", "syslog", "busybox"}), "logger: no log driver named 'syslog' is registered");
  EXPECT_EQ(config_error({"--log-driver", "none", "--log-opt", "max-size=1m", "busybox"}),
            "invalid logging opts for driver none");
  EXPECT_EQ(config_error({"--log-opt", "colour=blue", "busybox"}), "unknown log opt 'colour' for json-file log driver");
  EXPECT_EQ(config_error({"--log-opt", "max-file=0", "busybox"}), "max-file cannot be less than 1");
  EXPECT_EQ(config_error({"--log-opt", "max-file=many", "busybox"}), "strconv.Atoi: parsing \"many\": invalid syntax");
  EXPECT_EQ(config_error({"--log-opt", "max-size=0", "busybox"}), "max-size must be a positive number");
  EXPECT_EQ(config_error({"--log-opt", "max-size=big", "busybox"}), "invalid size: 'big'");
  EXPECT_EQ(config_error({"--log-opt", "compress=true", "--log-opt", "max-size=1m", "busybox"}),
            "compress cannot be true when max-file is less than 2 or max-size is not set");
}

// ---- Network ----

TEST(CreateFlagsNetwork, Modes) {
  EXPECT_EQ(ok({"--network", "host", "busybox"}).host.network_mode, "host");
  EXPECT_EQ(ok({"--net", "none", "busybox"}).host.network_mode, "none");
  EXPECT_EQ(ok({"--network=container:db", "busybox"}).host.network_mode, "container:db");
  CreateFlags flags = ok({"--network", "front", "--network", "back", "--network-alias", "web", "--ip", "10.1.2.3",
                          "--ip6", "2001:db8::0033", "busybox"});
  EXPECT_EQ(flags.host.network_mode, "front");
  EXPECT_EQ(flags.networks, (std::vector<std::string>{"front", "back"}));
  EXPECT_EQ(flags.network_aliases, (std::vector<std::string>{"web"}));
  EXPECT_EQ(flags.ipv4_address, "10.1.2.3");
  EXPECT_EQ(flags.ipv6_address, "2001:db8::33");
  flags = ok({"--network", "name=front,alias=a1,alias=a2,ip=10.0.0.9", "busybox"});
  EXPECT_EQ(flags.host.network_mode, "front");
  EXPECT_EQ(flags.network_aliases, (std::vector<std::string>{"a1", "a2"}));
  EXPECT_EQ(flags.ipv4_address, "10.0.0.9");

  EXPECT_EQ(config_error({"--network", "bridge", "--network-alias", "web", "busybox"}),
            "network-scoped aliases are only supported for user-defined networks");
  EXPECT_EQ(config_error({"--ip", "10.1.2.3", "busybox"}),
            "user specified IP address is supported on user defined networks only");
  EXPECT_EQ(value_error({"--ip", "10.1.2.300", "busybox"}),
            "invalid argument \"10.1.2.300\" for \"--ip\" flag: invalid string being converted to IP address: "
            "10.1.2.300");
  EXPECT_EQ(value_error({"--network", "container:", "busybox"}),
            "invalid argument \"container:\" for \"--network\" flag: invalid network mode: invalid container format "
            "container:<name|id>");
  EXPECT_EQ(value_error({"--network", "alias=a", "busybox"}),
            "invalid argument \"alias=a\" for \"--network\" flag: network name/id is not specified");
  EXPECT_EQ(value_error({"--network", "name=x,colour=red", "busybox"}),
            "invalid argument \"name=x,colour=red\" for \"--network\" flag: invalid field key colour");
}

TEST(CreateFlagsNetwork, ContainerModeConflicts) {
  EXPECT_EQ(config_error({"--network", "container:db", "-h", "x", "busybox"}),
            "conflicting options: hostname and the network mode");
  EXPECT_EQ(config_error({"--network", "container:db", "--dns", "1.1.1.1", "busybox"}),
            "conflicting options: dns and the network mode");
  EXPECT_EQ(config_error({"--network", "container:db", "--add-host", "a:1.2.3.4", "busybox"}),
            "conflicting options: custom host-to-IP mapping and the network mode");
  EXPECT_EQ(config_error({"--network", "container:db", "-p", "80", "busybox"}),
            "conflicting options: port publishing and the container type network mode");
  EXPECT_EQ(config_error({"--network", "container:db", "--expose", "80", "busybox"}),
            "conflicting options: port exposing and the container type network mode");
  EXPECT_EQ(config_error({"--network", "host", "--mac-address", "02:42:ac:11:00:02", "busybox"}),
            "conflicting options: mac-address and the network mode");
  EXPECT_EQ(ok({"--network", "host", "-h", "x", "busybox"}).config.hostname, "x");
}

TEST(CreateFlagsNetwork, DnsHostsLinksMac) {
  CreateFlags flags = ok({"--dns",         "8.8.8.8",           "--dns",        " 2001:4860:4860:0:0:0:0:8888 ",
                          "--dns-search",  "example.com.",      "--dns-search", ".",
                          "--dns-option",  "ndots:2",           "--dns-opt",    "edns0",
                          "--add-host",    "db:10.0.0.2",       "--add-host",   "v6=[::1]",
                          "--add-host",    "gw:host-gateway",   "--link",       "db:database",
                          "--mac-address", "92:d0:c6:0a:29:33", "busybox"});
  EXPECT_EQ(flags.host.dns, (std::vector<std::string>{"8.8.8.8", "2001:4860:4860::8888"}));
  EXPECT_EQ(flags.host.dns_search, (std::vector<std::string>{"example.com", "."}));
  EXPECT_EQ(flags.host.dns_options, (std::vector<std::string>{"ndots:2", "edns0"}));
  EXPECT_EQ(flags.host.extra_hosts, (std::vector<std::string>{"db:10.0.0.2", "v6:::1", "gw:host-gateway"}));
  EXPECT_EQ(flags.host.links, (std::vector<std::string>{"db:database"}));
  EXPECT_EQ(flags.mac_address, "92:d0:c6:0a:29:33");
  EXPECT_EQ(value_error({"--dns", "1.1.1.300", "busybox"}),
            "invalid argument \"1.1.1.300\" for \"--dns\" flag: IP address is not correctly formatted: 1.1.1.300");
  EXPECT_EQ(value_error({"--dns-search", "-bad-", "busybox"}),
            "invalid argument \"-bad-\" for \"--dns-search\" flag: -bad- is not a valid domain");
  EXPECT_TRUE(value_error({"--dns-search", std::string(300, 'a'), "busybox"}).ends_with(" is not a valid domain"));
  EXPECT_EQ(value_error({"--add-host", "nocolon", "busybox"}),
            "invalid argument \"nocolon\" for \"--add-host\" flag: bad format for add-host: \"nocolon\"");
  EXPECT_EQ(value_error({"--add-host", "h:not-an-ip", "busybox"}),
            "invalid argument \"h:not-an-ip\" for \"--add-host\" flag: invalid IP address in add-host: \"not-an-ip\"");
  EXPECT_EQ(value_error({"--link", "a:b:c", "busybox"}),
            "invalid argument \"a:b:c\" for \"--link\" flag: bad format for links: a:b:c");
  EXPECT_EQ(config_error({"--mac-address", "zz:zz", "busybox"}), "zz:zz is not a valid mac address");
}

TEST(CreateFlagsNetwork, PublishAndExpose) {
  CreateFlags flags = ok({"-p",       "8080:80",
                          "-p",       "127.0.0.1:5353:53/udp",
                          "-p",       "443",
                          "-p",       "[::1]:2222:22",
                          "-p",       "9000-9001:7000-7001",
                          "-p",       "3000-3005:3000",
                          "-p",       "published=8443,target=443",
                          "--expose", "5000-5001/udp",
                          "--expose", "6000",
                          "-P",       "busybox"});
  const auto& bindings = flags.host.port_bindings;
  auto binding = [&](const std::string& port, size_t i = 0) -> PortBinding {
    auto found = bindings.find(port);
    if (found == bindings.end() || found->second.size() <= i) return {"<none>", "<none>"};
    return found->second[i];
  };
  EXPECT_EQ(binding("80/tcp").host_port, "8080");
  EXPECT_EQ(binding("80/tcp").host_ip, "");
  EXPECT_EQ(binding("53/udp").host_ip, "127.0.0.1");
  EXPECT_EQ(binding("53/udp").host_port, "5353");
  EXPECT_EQ(binding("443/tcp").host_port, "");
  EXPECT_EQ(binding("443/tcp", 1).host_port, "8443");
  EXPECT_EQ(binding("22/tcp").host_ip, "::1");
  EXPECT_EQ(binding("7000/tcp").host_port, "9000");
  EXPECT_EQ(binding("7001/tcp").host_port, "9001");
  EXPECT_EQ(binding("3000/tcp").host_port, "3000-3005");
  EXPECT_EQ(flags.config.exposed_ports,
            (std::set<std::string>{"22/tcp", "3000/tcp", "443/tcp", "5000/udp", "5001/udp", "53/udp", "6000/tcp",
                                   "7000/tcp", "7001/tcp", "80/tcp"}));
  EXPECT_TRUE(flags.host.publish_all_ports);

  EXPECT_EQ(config_error({"-p", "80/foo", "busybox"}), "invalid proto: foo");
  EXPECT_EQ(config_error({"-p", "8080:http", "busybox"}), "invalid containerPort: http");
  EXPECT_EQ(config_error({"-p", "99999:80", "busybox"}), "invalid hostPort: 99999");
  EXPECT_EQ(config_error({"-p", "8080:", "busybox"}), "no port specified: 8080:<empty>");
  EXPECT_EQ(config_error({"-p", "1.2.3:80:80", "busybox"}), "invalid IP address: 1.2.3");
  EXPECT_EQ(config_error({"-p", "100-200:80-81", "busybox"}),
            "invalid ranges specified for container and host Ports: 80-81 and 100-200");
  EXPECT_EQ(config_error({"-p", "published=80,target", "busybox"}),
            "invalid publish opts format (should be name=value but got 'target')");
  EXPECT_EQ(config_error({"--expose", "http", "busybox"}),
            "invalid range format for --expose: http, error: strconv.ParseUint: parsing \"http\": invalid syntax");
  EXPECT_EQ(config_error({"--expose", "90-80", "busybox"}),
            "invalid range format for --expose: 90-80, error: invalid range specified for port: 90-80");
  EXPECT_EQ(config_error({"--expose", "1:2", "busybox"}), "invalid port format for --expose: 1:2");
}

// ---- Pull, platform, cidfile, quiet ----

TEST(CreateFlagsImage, PullPlatformCidfile) {
  CreateFlags flags = ok({"--pull", "always", "--platform", "linux/arm64", "--cidfile", "/tmp/x.cid", "-q", "busybox"});
  EXPECT_EQ(flags.pull, PullPolicy::always);
  EXPECT_EQ(flags.platform, "linux/arm64");
  EXPECT_EQ(flags.cidfile, "/tmp/x.cid");
  EXPECT_EQ(flags.host.container_id_file, "/tmp/x.cid");
  EXPECT_TRUE(flags.quiet);
  EXPECT_EQ(ok({"--pull=never", "busybox"}, false).pull, PullPolicy::never);
  Parsed parsed = parse({"--pull", "sometimes", "busybox"});
  EXPECT_EQ(parsed.status, std::optional<int>(125));
  EXPECT_EQ(parsed.err,
            "berth: invalid pull option: 'sometimes': must be one of \"always\", \"missing\" or \"never\".\n"
            "See 'berth run --help'.\n");
  EXPECT_FALSE(config_error({"--platform", "linux/amd64/v3/extra/more", "busybox"}).empty());
}

// ---- The whole machinery: a bad value is one line and exit 125, before anything runs ----

TEST(CreateFlagsInvocation, BadValueIsOneLineAndExit125) {
  Parsed parsed = parse({"-m", "1x", "busybox", "true"});
  EXPECT_EQ(parsed.status, std::optional<int>(125));
  EXPECT_EQ(parsed.err,
            "invalid argument \"1x\" for \"-m, --memory\" flag: invalid suffix: 'x'\nSee 'berth run --help'.\n");
  EXPECT_EQ(parsed.out, "");
  parsed = parse({"--restart", "always", "--rm", "busybox"}, /*is_run=*/false);
  EXPECT_EQ(parsed.status, std::optional<int>(125));
  EXPECT_EQ(parsed.err,
            "berth: conflicting options: cannot specify both --restart and --rm.\nSee 'berth create --help'.\n");
  // Hostile bytes in a value come back escaped: the error stays one line.
  parsed = parse({"-m", std::string("1\n\x01\xff", 4), "busybox"});
  EXPECT_EQ(parsed.status, std::optional<int>(125));
  EXPECT_EQ(parsed.err,
            "invalid argument \"1\\n\\x01\\xff\" for \"-m, --memory\" flag: invalid suffix: '\\n\\x01\xff'\n"
            "See 'berth run --help'.\n");
  TempDir dir;
  const std::string file = dir.write("evil\nname.env", "A B=1\n");
  parsed = parse({"--env-file", file, "busybox"});
  EXPECT_EQ(parsed.status, std::optional<int>(125));
  EXPECT_EQ(std::count(parsed.err.begin(), parsed.err.end(), '\n'), 2) << parsed.err;
}

TEST(CreateFlagsInvocation, FinishCreateFlagsStandalone) {
  CLI::App app;
  CreateFlags flags;
  add_create_flags(app, flags, /*is_run=*/true);
  std::vector<std::string> words = {"-e", "A=1", "--cpus", "2", "alpine", "echo", "-n", "hi"};
  std::reverse(words.begin(), words.end());
  app.parse(words);
  ASSERT_TRUE(finish_create_flags(flags, test_host()));
  EXPECT_EQ(flags.config.image, "alpine");
  EXPECT_EQ(flags.config.cmd, (std::vector<std::string>{"echo", "-n", "hi"}));
  EXPECT_EQ(flags.config.env, (std::vector<std::string>{"A=1"}));
  EXPECT_EQ(flags.host.nano_cpus, 2'000'000'000);

  CLI::App bad_app;
  CreateFlags bad;
  add_create_flags(bad_app, bad, /*is_run=*/false);
  std::vector<std::string> bad_words = {"alpine", "--restart", "nope"};
  std::reverse(bad_words.begin(), bad_words.end());
  bad_app.parse(bad_words);
  EXPECT_TRUE(finish_create_flags(bad, test_host()));  // "--restart nope" is the command's
  CLI::App worse_app;
  CreateFlags worse;
  add_create_flags(worse_app, worse, /*is_run=*/false);
  std::vector<std::string> worse_words = {"--restart", "nope", "alpine"};
  std::reverse(worse_words.begin(), worse_words.end());
  worse_app.parse(worse_words);
  auto finished = finish_create_flags(worse, test_host());
  ASSERT_FALSE(finished);
  EXPECT_EQ(finished.error().message,
            "invalid restart policy: unknown policy 'nope'; use one of 'no', 'always', 'on-failure', or "
            "'unless-stopped'");
}

}  // namespace
}  // namespace berth::cli
