// The image store's SQLite schema and its migrations.
#pragma once

#include "base/result.h"
#include "store/sqlite.h"

namespace berth::store {

// Schema version this build writes. Older databases are migrated forward in
// one transaction; a newer one (written by a later berth) is refused rather
// than misread.
inline constexpr int kSchemaVersion = 4;

// Sets the connection's pragmas and brings the schema to kSchemaVersion.
Status prepare_schema(sqlite::Database& database);

}  // namespace berth::store
