// `images --filter` with the daemon's semantics (moby's daemon/images.go),
// applied in the CLI to what ImageService::list returns:
//   dangling=true|false  untagged images only / tagged images only
//   reference=PATTERN    path.Match on the familiar "name:tag" or "name";
//                        only the matching tags of an image are kept
//   label=KEY[=VALUE]    config.Labels; several label filters must all match
//   before=IMAGE / since=IMAGE  created strictly before the oldest / after
//                        the newest of the named images
// Without --all, untagged images that are the parent of another image
// (intermediate build layers) are hidden. The result is sorted newest first.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "engine/image_service.h"

namespace berth::cli {

struct ImageQuery {
  bool all = false;
  std::optional<bool> dangling;
  std::vector<std::string> references;  // glob patterns
  std::vector<std::string> labels;      // "KEY" or "KEY=VALUE"
  std::optional<int64_t> created_before, created_since;
};

// "name=value" flags to a query. resolve_created gives the created time of a
// before/since image (ImageService::find); errors are docker's
// ("bad format of filter (expected name=value)", "invalid filter 'foo'").
Result<ImageQuery> parse_image_filters(const std::vector<std::string>& filters, bool all,
                                       const std::function<Result<int64_t>(std::string_view)>& resolve_created);

// The images to show, each with only the tags and repo digests that passed
// the reference filter; dangling ones have both empty.
Result<std::vector<ImageSummary>> select_images(std::vector<ImageSummary> images, const ImageQuery& query);

}  // namespace berth::cli
