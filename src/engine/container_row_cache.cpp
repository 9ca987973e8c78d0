#include "engine/container_row_cache.h"

#include "engine/container_record_json.h"

namespace berth {

Result<ContainerRecord> ContainerRowCache::record(const store::ContainerRow& row) {
  ContainerRecord record = record_basics_from_row(row);
  bool same_container = !id_.empty() && row.id == id_;
  if (!same_container) {
    id_ = row.id;
    config_json_.clear();
    host_config_json_.clear();
  }
  if (!same_container || row.config_json != config_json_) {
    BERTH_ASSIGN(config_, config_from_row(row));
    config_json_ = row.config_json;
  }
  if (!same_container || row.host_config_json != host_config_json_) {
    BERTH_ASSIGN(host_, host_config_from_row(row));
    host_config_json_ = row.host_config_json;
  }
  record.config = config_;
  record.host = host_;
  BERTH_ASSIGN(record.state, state_from_row(row));
  return record;
}

void ContainerRowCache::remember(const store::ContainerRow& row, const ContainerRecord& record) {
  id_ = row.id;
  config_json_ = row.config_json;
  host_config_json_ = row.host_config_json;
  config_ = record.config;
  host_ = record.host;
}

}  // namespace berth
