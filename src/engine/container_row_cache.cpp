#include "engine/container_row_cache.h"

#include "engine/container_record_json.h"

namespace berth {

Result<ContainerRecord> ContainerRowCache::record(const store::ContainerRow& row) {
  ContainerRecord record = record_basics_from_row(row);
  bool same_container = !id_.empty() && row.id == id_;
  if (same_container && row.config_json == config_json_) {
    record.config = config_;
  } else {
    BERTH_ASSIGN(record.config, config_from_row(row));
  }
  if (same_container && row.host_config_json == host_config_json_) {
    record.host = host_;
  } else {
    BERTH_ASSIGN(record.host, host_config_from_row(row));
  }
  BERTH_ASSIGN(record.state, state_from_row(row));
  // Only a row parsed whole is remembered: a bad one leaves nothing behind
  // that a later lookup could take for its own.
  remember(row, record);
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
