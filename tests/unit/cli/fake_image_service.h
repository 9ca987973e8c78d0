// An ImageService that answers from fields the test sets, records what it was
// asked, and plays scripted transfer events, so the berth commands can be run
// whole with captured stdio.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/image_service.h"

namespace berth::cli::testing {

inline Digest test_digest(char fill) { return Digest::from_hex(std::string(64, fill)); }

inline ImageSummary test_image(char fill, std::vector<std::string> tags, int64_t created, uint64_t size = 4'260'000) {
  ImageSummary image;
  image.id = test_digest(fill);
  image.tags = std::move(tags);
  image.created_unix = created;
  image.size = size;
  image.config = nlohmann::json{{"config", nlohmann::json::object()}};
  return image;
}

class FakeImageService final : public ImageService {
 public:
  std::vector<ImageSummary> images;
  std::map<std::string, nlohmann::json> inspect_objects;
  std::vector<TransferEvent> transfer_events;
  Result<PullResult> pull_result = fail("pull not scripted");
  Result<PushResult> push_result = fail("push not scripted");
  std::map<std::string, RemoveReport> removable;
  RemoveReport prune_report;
  std::vector<HistoryEntry> history_entries;
  std::vector<std::string> calls;  // "pull busybox", "remove x force", …

  Result<PullResult> pull(std::string_view reference, const PullOptions& options) override {
    calls.push_back("pull " + std::string(reference));
    for (const auto& event : transfer_events)
      if (options.progress) options.progress(event);
    return pull_result;
  }
  Result<PushResult> push(std::string_view reference, const PushOptions& options) override {
    calls.push_back("push " + std::string(reference));
    for (const auto& event : transfer_events)
      if (options.progress) options.progress(event);
    return push_result;
  }
  Result<std::vector<ImageSummary>> list() override {
    calls.push_back("list");
    return images;
  }
  Result<ImageSummary> find(std::string_view name) override {
    for (const auto& image : images) {
      if (image.id.str() == name || image.id.hex().starts_with(name)) return image;
      for (const auto& tag : image.tags)
        if (tag == name || tag == "docker.io/library/" + std::string(name) ||
            tag == "docker.io/library/" + std::string(name) + ":latest")
          return image;
    }
    return fail("No such image: {}", name);
  }
  Result<nlohmann::json> inspect(std::string_view name) override {
    auto found = inspect_objects.find(std::string(name));
    if (found == inspect_objects.end()) return fail("No such image: {}", name);
    return found->second;
  }
  Status tag(std::string_view source, std::string_view target) override {
    calls.push_back("tag " + std::string(source) + " " + std::string(target));
    return {};
  }
  Result<RemoveReport> remove(std::string_view name, bool force) override {
    calls.push_back("remove " + std::string(name) + (force ? " force" : ""));
    auto found = removable.find(std::string(name));
    if (found == removable.end()) return fail("No such image: {}", name);
    return found->second;
  }
  Result<RemoveReport> prune(bool all) override {
    calls.push_back(all ? "prune all" : "prune");
    return prune_report;
  }
  Result<std::vector<HistoryEntry>> history(std::string_view name) override {
    calls.push_back("history " + std::string(name));
    return history_entries;
  }
  Status save(const std::vector<std::string>&, SaveFormat, int) override { return fail("save not scripted"); }
  Result<LoadReport> load(int) override { return fail("load not scripted"); }
  Result<Digest> import(int, const ImportOptions&) override { return fail("import not scripted"); }
  Result<ImageDiskUsage> disk_usage(const std::map<Digest, int>&) override {
    ImageDiskUsage usage;
    usage.images = images.size();
    for (const auto& image : images) usage.size += image.size;
    usage.reclaimable = usage.size;
    usage.details = images;
    return usage;
  }
  Result<std::string> login(std::string_view server, std::string_view username, std::string_view password) override {
    calls.push_back("login " + std::string(server) + " " + std::string(username) + " " + std::string(password));
    return std::string(server.empty() ? "https://index.docker.io/v1/" : server);
  }
  Result<std::string> logout(std::string_view server) override {
    calls.push_back("logout " + std::string(server));
    return std::string(server.empty() ? "https://index.docker.io/v1/" : server);
  }
};

}  // namespace berth::cli::testing
