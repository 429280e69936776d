// The bulk load of the PostgreSQL engine: COPY table (columns) FROM STDIN through libpq, sent in
// chunks of at most kCopyChunk bytes (larger PQputCopyData calls stall the server's reader).
//
// Binary format when every column is BIGINT, INTEGER, DOUBLE PRECISION, TEXT or TIMESTAMP (a
// timestamp given as 'YYYY-MM-DD HH:MM:SS[.mmm]' text; no number formatted here or parsed there,
// no text escaped here or unescaped there), else the text format; a value the
// binary format cannot carry as the text format would have switches the rest of the load to text,
// so the server sees the same values and reports the same errors.
//
// A writer borrows its Connection, is used by one thread and must not outlive the connection;
// the connection carries no other statement while the writer is open.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/postgres_connection.h"
#include "sparkify/engine.h"

namespace sparkify::postgres {

constexpr size_t kCopyChunk = 64 * 1024;  // bytes per PQputCopyData

// The column types a COPY can take in binary format; anything else is loaded as text.
enum class CopyType : uint8_t { kInt8, kInt4, kFloat8, kText, kTimestamp };

// The binary COPY type of a column of type `oid` (pg_type.oid), or nullopt.
std::optional<CopyType> CopyTypeOf(long oid);

// The writer of a COPY that `connection` has started (its state is PGRES_COPY_IN) with
// `text_copy_sql`, or with that statement plus (FORMAT binary) when `binary_types` is not empty
// (one type per column).
std::unique_ptr<RowWriter> NewCopyWriter(const Connection& connection, std::string table,
                                         std::string text_copy_sql, size_t columns,
                                         std::vector<CopyType> binary_types);

}  // namespace sparkify::postgres
