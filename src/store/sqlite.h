// A small RAII layer over the SQLite C API: one connection, prepared
// statements (cached by their SQL text, bound parameters only: no SQL is
// ever built from data), and transactions that roll back unless committed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace berth::store::sqlite {

// The connection and its statement cache. Statements and transactions point
// here rather than at the Database, so moving a Database never leaves them
// dangling.
struct Connection;
struct CachedStatement;

// A prepared statement borrowed from its Database's cache; reset and
// unbound on destruction, ready for the next user. Binding errors (only
// misuse or an oversized value) surface from step()/run().
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  Statement& bind_null(int index);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  Result<bool> step();  // true: a row is ready to read
  Status run();         // for statements without rows (INSERT, UPDATE, DELETE)

  std::string text(int column) const;
  int64_t integer(int column) const;
  bool is_null(int column) const;

 private:
  friend class Database;
  Statement(Connection& connection, sqlite3_stmt* statement, CachedStatement* entry);
  void note_bind(int result, int index);

  Connection* connection_;
  sqlite3_stmt* statement_;
  CachedStatement* entry_;  // null: a private statement, finalized on destruction
  std::optional<Error> bind_error_;
};

class Database {
 public:
  // Opens (creating) the file; sets busy_timeout so concurrent processes wait
  // for each other instead of failing with "database is locked".
  static Result<Database> open(const std::filesystem::path& path, int busy_timeout_ms);
  Database(Database&&) noexcept;
  Database& operator=(Database&&) noexcept;
  ~Database();

  // Static SQL without parameters (schema, pragmas, BEGIN/COMMIT).
  Status exec(const char* sql);
  Result<Statement> prepare(std::string_view sql);
  int64_t changes() const;
  bool in_transaction() const;
  const std::filesystem::path& path() const;
  sqlite3* handle() const;

  // Error from the connection's last failed call, with context.
  std::unexpected<Error> error(std::string_view what) const;

 private:
  friend class Transaction;
  explicit Database(std::unique_ptr<Connection> connection);
  std::unique_ptr<Connection> connection_;
};

// BEGIN IMMEDIATE (the write lock is taken up front, waiting out other
// writers through the busy timeout, so the transaction can never fail half
// way with SQLITE_BUSY when it starts writing), or a SAVEPOINT when a
// transaction is already open, so store methods compose inside a caller's
// transaction. Rolls back on destruction unless committed.
class Transaction {
 public:
  enum class Mode {
    write,  // BEGIN IMMEDIATE
    read,   // BEGIN (deferred): a consistent snapshot for several SELECTs, never blocking writers (WAL)
  };
  static Result<Transaction> begin(Database& database, Mode mode = Mode::write);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Status commit();

 private:
  Transaction(Connection& connection, int depth) : connection_(&connection), depth_(depth) {}
  Connection* connection_;
  int depth_;  // 0: the outermost transaction; n: savepoint berth_n
};

}  // namespace berth::store::sqlite
