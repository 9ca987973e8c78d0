#include "store/sqlite.h"

#include <sqlite3.h>

#include <unordered_map>

namespace berth::store::sqlite {

struct CachedStatement {
  sqlite3_stmt* statement = nullptr;
  bool in_use = false;
};

struct Connection {
  sqlite3* db = nullptr;
  std::filesystem::path path;
  // Node-based: entries keep their address while others are added.
  std::unordered_map<std::string, CachedStatement> cache;
  int transaction_depth = 0;

  ~Connection() {
    for (auto& [sql, entry] : cache) sqlite3_finalize(entry.statement);
    sqlite3_close_v2(db);
  }

  std::unexpected<Error> error(std::string_view what) const {
    return fail("database {}: {}: {}", path.string(), what, sqlite3_errmsg(db));
  }

  Status exec(const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return error(sql);
    return {};
  }
};

// ---- Statement ----

Statement::Statement(Connection& connection, sqlite3_stmt* statement, CachedStatement* entry)
    : connection_(&connection), statement_(statement), entry_(entry) {
  if (entry_) entry_->in_use = true;
}

Statement::Statement(Statement&& other) noexcept
    : connection_(other.connection_),
      statement_(std::exchange(other.statement_, nullptr)),
      entry_(std::exchange(other.entry_, nullptr)),
      bind_error_(std::move(other.bind_error_)) {}

Statement::~Statement() {
  if (!statement_) return;
  if (entry_) {
    // Reset ends the statement's read of the database (it would otherwise
    // pin a WAL snapshot and keep a transaction open).
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
    entry_->in_use = false;
  } else {
    sqlite3_finalize(statement_);
  }
}

void Statement::note_bind(int result, int index) {
  if (result != SQLITE_OK && !bind_error_)
    bind_error_ = Error{fmt::format("bind parameter {}: {}", index, sqlite3_errstr(result)), 0};
}

Statement& Statement::bind(int index, std::string_view text) {
  note_bind(sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8), index);
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  note_bind(sqlite3_bind_int64(statement_, index, value), index);
  return *this;
}

Statement& Statement::bind_null(int index) {
  note_bind(sqlite3_bind_null(statement_, index), index);
  return *this;
}

Result<bool> Statement::step() {
  if (bind_error_) return std::unexpected(*bind_error_);
  int result = sqlite3_step(statement_);
  if (result == SQLITE_ROW) return true;
  if (result == SQLITE_DONE) return false;
  return connection_->error(sqlite3_sql(statement_));
}

Status Statement::run() {
  for (;;) {
    BERTH_ASSIGN(bool row, step());
    if (!row) return {};
  }
}

std::string Statement::text(int column) const {
  auto data = sqlite3_column_text(statement_, column);
  if (data == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(data),
                     static_cast<size_t>(sqlite3_column_bytes(statement_, column)));
}

int64_t Statement::integer(int column) const { return sqlite3_column_int64(statement_, column); }

bool Statement::is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

// ---- Database ----

Database::Database(std::unique_ptr<Connection> connection) : connection_(std::move(connection)) {}
Database::Database(Database&&) noexcept = default;
Database& Database::operator=(Database&&) noexcept = default;
Database::~Database() = default;

Result<Database> Database::open(const std::filesystem::path& path, int busy_timeout_ms) {
  auto connection = std::make_unique<Connection>();
  connection->path = path;
  // NOMUTEX: a connection is used by one thread at a time (each MetadataStore
  // owns one); threads that work concurrently open their own.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  int result = sqlite3_open_v2(path.c_str(), &connection->db, flags, nullptr);
  if (result != SQLITE_OK) {
    std::string message = connection->db ? sqlite3_errmsg(connection->db) : sqlite3_errstr(result);
    return fail("open database {}: {}", path.string(), message);
  }
  sqlite3_busy_timeout(connection->db, busy_timeout_ms);
  // Every berth command is a short process. By default the last connection
  // to close checkpoints the WAL and deletes it (two fsyncs), and the next
  // writer creates it again (two more: the file and its directory), about
  // 2 ms per `berth run`. The WAL stays instead, and a commit that leaves
  // it over 128 pages checkpoints it: two fdatasyncs, and one more when the
  // next commit restarts the WAL, 0.5 to several ms on these disks. A `berth
  // run --rm` writes 9 pages, so that falls into one run in fourteen. Not
  // more, because every process that opens the database first reads and
  // checksums the whole WAL (its index is rebuilt when no other connection
  // is open): 1.3 ms at SQLite's default of 1000 pages, ~0.1 ms at 64 on
  // average here. Against 64 pages, `run --rm` measured 0.1-0.2 ms faster
  // (and 32 pages 0.4 ms slower).
  int keep_wal = 1;
  sqlite3_file_control(connection->db, "main", SQLITE_FCNTL_PERSIST_WAL, &keep_wal);
  sqlite3_db_config(connection->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  sqlite3_wal_autocheckpoint(connection->db, 128);
  return Database(std::move(connection));
}

std::unexpected<Error> Database::error(std::string_view what) const { return connection_->error(what); }

Status Database::exec(const char* sql) { return connection_->exec(sql); }

Result<Statement> Database::prepare(std::string_view sql) {
  auto& cache = connection_->cache;
  auto [it, inserted] = cache.try_emplace(std::string(sql));
  CachedStatement& entry = it->second;
  if (entry.statement && !entry.in_use) return Statement(*connection_, entry.statement, &entry);
  // The first user caches its statement; a nested user of the same SQL (rare)
  // gets a private one.
  bool to_cache = !entry.statement;
  sqlite3_stmt* statement = nullptr;
  unsigned prepare_flags = to_cache ? SQLITE_PREPARE_PERSISTENT : 0;
  if (sqlite3_prepare_v3(connection_->db, sql.data(), static_cast<int>(sql.size()), prepare_flags, &statement,
                         nullptr) != SQLITE_OK) {
    if (inserted) cache.erase(it);
    return error(fmt::format("prepare \"{}\"", sql));
  }
  if (!to_cache) return Statement(*connection_, statement, nullptr);
  entry.statement = statement;
  return Statement(*connection_, statement, &entry);
}

int64_t Database::changes() const { return sqlite3_changes64(connection_->db); }
bool Database::in_transaction() const { return sqlite3_get_autocommit(connection_->db) == 0; }
const std::filesystem::path& Database::path() const { return connection_->path; }
sqlite3* Database::handle() const { return connection_->db; }

// ---- Transaction ----

Result<Transaction> Transaction::begin(Database& database, Mode mode) {
  Connection& connection = *database.connection_;
  int depth = connection.transaction_depth;
  if (depth == 0) {
    BERTH_TRY(connection.exec(mode == Mode::write ? "BEGIN IMMEDIATE" : "BEGIN"));
  } else {
    BERTH_TRY(connection.exec(fmt::format("SAVEPOINT berth_{}", depth).c_str()));
  }
  connection.transaction_depth = depth + 1;
  return Transaction(connection, depth);
}

Transaction::Transaction(Transaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)), depth_(other.depth_) {}

Status Transaction::commit() {
  if (!connection_) return fail("commit: transaction already finished");
  if (depth_ == 0) {
    BERTH_TRY(connection_->exec("COMMIT"));
  } else {
    BERTH_TRY(connection_->exec(fmt::format("RELEASE berth_{}", depth_).c_str()));
  }
  connection_->transaction_depth = depth_;
  connection_ = nullptr;
  return {};
}

Transaction::~Transaction() {
  if (!connection_) return;
  // Failures are ignored: SQLite may already have rolled back by itself
  // (e.g. on SQLITE_FULL), and there is nothing better to do on unwinding.
  if (depth_ == 0) {
    (void)connection_->exec("ROLLBACK");
  } else {
    (void)connection_->exec(fmt::format("ROLLBACK TO berth_{0}; RELEASE berth_{0}", depth_).c_str());
  }
  connection_->transaction_depth = depth_;
}

}  // namespace berth::store::sqlite
