#include "cli/image_list.h"

#include <fmt/format.h>

#include <set>

#include "cli/commands.h"
#include "cli/human_units.h"
#include "cli/image_filters.h"
#include "cli/list_format.h"
#include "oci/image_reference.h"

namespace berth::cli {

namespace {

// Insertion-ordered repository → values (docker uses Go maps, whose order is random).
struct Grouped {
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  std::vector<std::string>& operator[](const std::string& key) {
    for (auto& [name, values] : groups)
      if (name == key) return values;
    return groups.emplace_back(key, std::vector<std::string>{}).second;
  }
  std::vector<std::string>* find(const std::string& key) {
    for (auto& [name, values] : groups)
      if (name == key) return &values;
    return nullptr;
  }
};

constexpr std::string_view format_help =
    "Format output using a custom template:\n"
    "'table':            Print output in table format with column headers (default)\n"
    "'table TEMPLATE':   Print output in table format using the given Go template\n"
    "'json':             Print in JSON format\n"
    "'TEMPLATE':         Print output using the given Go template.\n"
    "Refer to https://docs.docker.com/go/formatting/ for more information about formatting output with "
    "templates";

}  // namespace

std::string image_id_text(const Digest& id, bool truncate) { return truncate ? truncate_id(id.str()) : id.str(); }

std::vector<ImageRow> image_rows(const std::vector<ImageSummary>& images, bool show_digests) {
  std::vector<ImageRow> rows;
  for (const ImageSummary& image : images) {
    if (image.tags.empty() && image.repo_digests.empty()) {
      rows.push_back({&image, "<none>", "<none>", "<none>"});
      continue;
    }
    Grouped tags, digests;
    for (const std::string& text : image.tags) {
      auto reference = parse_reference(text, /*add_default_tag=*/false);
      if (reference && !reference->tag.empty()) tags[reference->familiar_name()].push_back(reference->tag);
    }
    for (const std::string& text : image.repo_digests) {
      auto reference = parse_reference(text, /*add_default_tag=*/false);
      if (reference && reference->digest) digests[reference->familiar_name()].push_back(reference->digest->str());
    }
    std::set<std::string> shown;
    for (const auto& [repository, repository_tags] : tags.groups) {
      std::vector<std::string> repository_digests;
      if (auto* found = digests.find(repository)) {
        shown.insert(repository);
        if (show_digests) repository_digests = *found;
      }
      for (const std::string& tag : repository_tags) {
        if (repository_digests.empty()) {
          rows.push_back({&image, repository, tag, "<none>"});
          continue;
        }
        for (const std::string& digest : repository_digests) rows.push_back({&image, repository, tag, digest});
      }
    }
    // Repositories the image is known in by digest only.
    for (const auto& [repository, repository_digests] : digests.groups) {
      if (shown.contains(repository)) continue;
      if (!show_digests) {
        rows.push_back({&image, repository, "<none>", ""});
        continue;
      }
      for (const std::string& digest : repository_digests) rows.push_back({&image, repository, "<none>", digest});
    }
  }
  return rows;
}

nlohmann::json image_row_fields(const ImageRow& row, bool truncate, int64_t now_unix) {
  const ImageSummary& image = *row.image;
  // The daemon leaves Containers and SharedSize uncomputed (-1) for a plain
  // list; docker then prints N/A for them and for UniqueSize.
  return nlohmann::json{
      {"Containers", "N/A"},
      {"CreatedAt", go_time_string(image.created_unix)},
      {"CreatedSince", created_since(image.created_unix, now_unix)},
      {"Digest", row.digest},
      {"ID", image_id_text(image.id, truncate)},
      {"Repository", row.repository},
      {"SharedSize", "N/A"},
      {"Size", human_size_with_precision(double(image.size), 3)},
      {"Tag", row.tag},
      {"UniqueSize", "N/A"},
      {"VirtualSize", human_size(double(image.size))},
  };
}

const nlohmann::json& image_headers() {
  static const nlohmann::json headers{
      {"Containers", "CONTAINERS"},
      {"CreatedAt", "CREATED AT"},
      {"CreatedSince", "CREATED"},
      {"Digest", "DIGEST"},
      {"ID", "IMAGE ID"},
      {"Repository", "REPOSITORY"},
      {"SharedSize", "SHARED SIZE"},
      {"Size", "SIZE"},
      {"Tag", "TAG"},
      {"UniqueSize", "UNIQUE SIZE"},
      {"VirtualSize", "SIZE"},
  };
  return headers;
}

std::string_view image_table_format(bool digests) {
  return digests ? "table {{.Repository}}\\t{{.Tag}}\\t{{.Digest}}\\t{{.ID}}\\t{{.CreatedSince}}\\t{{.Size}}"
                 : "table {{.Repository}}\\t{{.Tag}}\\t{{.ID}}\\t{{.CreatedSince}}\\t{{.Size}}";
}

int command_images(Invocation& invocation) {
  bool quiet = false, all = false, no_trunc = false, digests = false;
  std::string format;
  std::vector<std::string> filters;
  auto& flags = invocation.flags();
  flags.add_flag("-a,--all", all, "Show all images (default hides intermediate images)");
  flags.add_flag("--digests", digests, "Show digests");
  flags.add_option("-f,--filter", filters, "Filter output based on conditions provided")
      ->type_name("filter")
      ->allow_extra_args(false);
  flags.add_option("--format", format, std::string(format_help))->type_name("string");
  flags.add_flag("--no-trunc", no_trunc, "Don't truncate output");
  flags.add_flag("-q,--quiet", quiet, "Only show image IDs");
  if (auto status = invocation.parse(at_most(1))) return *status;

  CommandEnv& env = invocation.env;
  if (auto checked = check_list_format(format); !checked) return env.report(checked.error());
  if (!invocation.args().empty()) filters.push_back("reference=" + invocation.args()[0]);
  auto service = env.images();
  if (!service) return env.report(service.error());
  auto query = parse_image_filters(filters, all, [&](std::string_view name) -> Result<int64_t> {
    BERTH_ASSIGN(ImageSummary image, (*service)->find(name));
    return image.created_unix;
  });
  if (!query) return env.report(query.error());
  auto listed = (*service)->list();
  if (!listed) return env.report(listed.error());
  auto images = select_images(std::move(*listed), *query);
  if (!images) return env.report(images.error());

  const bool truncate = !no_trunc;
  std::vector<ImageRow> rows = image_rows(*images, digests);
  if (quiet && (format.empty() || format == "table")) {
    // Each image once, though it has a row per tag.
    std::string out;
    std::set<Digest> printed;
    for (const ImageRow& row : rows)
      if (printed.insert(row.image->id).second) out += image_id_text(row.image->id, truncate) + "\n";
    env.out(out);
    return 0;
  }
  std::vector<nlohmann::json> fields;
  for (const ImageRow& row : rows) fields.push_back(image_row_fields(row, truncate, env.now()));
  auto rendered = render_list(format, {image_table_format(digests), &image_headers()}, fields);
  if (!rendered) return env.report(rendered.error());
  env.out(*rendered);
  return 0;
}

}  // namespace berth::cli
