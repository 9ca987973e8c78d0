// Reading digests back out of result columns (private to the metadata store).
// Every digest read from the database is parsed again: a damaged or
// hand-edited database must not turn into a path or a wrong id.
#pragma once

#include <optional>

#include "base/digest.h"
#include "store/sqlite.h"

namespace berth::store {

inline Result<Digest> digest_column(const sqlite::Statement& row, int column) {
  auto digest = Digest::parse(row.text(column));
  if (!digest) return with_context(std::move(digest), "database holds a bad digest");
  return digest;
}

inline Result<std::optional<Digest>> optional_digest_column(const sqlite::Statement& row, int column) {
  if (row.is_null(column)) return std::optional<Digest>();
  BERTH_ASSIGN(auto digest, digest_column(row, column));
  return std::optional<Digest>(std::move(digest));
}

}  // namespace berth::store
