// ContainerRecord from its database row, remembering the last container's
// parsed Config and HostConfig together with their text.
//
// Parsing those two JSON documents is most of a container lookup, and one
// `berth run --rm` looks its container up four times (start and rm each
// find it, then read it again under its lock) while neither document
// changes. A row whose text differs is parsed as ever.
#pragma once

#include <string>

#include "base/result.h"
#include "engine/container_service.h"
#include "store/metadata_store.h"

namespace berth {

class ContainerRowCache {
 public:
  Result<ContainerRecord> record(const store::ContainerRow& row);
  // A row just written from `record` (create): its next lookup parses nothing.
  void remember(const store::ContainerRow& row, const ContainerRecord& record);

 private:
  std::string id_, config_json_, host_config_json_;
  ContainerConfig config_;
  HostConfig host_;
};

}  // namespace berth
