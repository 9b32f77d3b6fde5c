#pragma once
// Small conversions between pqxx fields and the services' optional values.
#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

// pqxx 6 already sends an empty std::optional parameter as SQL NULL.
namespace hs::db {

inline std::optional<std::string> optStr(const pqxx::field& f) {
  if (f.is_null()) {
    return std::nullopt;
  }
  return f.as<std::string>();
}

inline std::optional<int64_t> optI64(const pqxx::field& f) {
  if (f.is_null()) {
    return std::nullopt;
  }
  return f.as<int64_t>();
}

// PostgreSQL text cannot hold NUL: libpq cuts a parameter at the first one, and a JSON
// parameter's \u0000 fails any conversion to text. Text taken from event content (which may
// carry NUL: events stored before clients were refused it, or other servers' events) goes
// through this first.
inline std::string withoutNul(std::string s) {
  std::erase(s, '\0');
  return s;
}

// Reads run outside a transaction block: at READ COMMITTED a read transaction gives no
// snapshot across its statements anyway, and BEGIN/ROLLBACK are two more round trips per read.
using ReadTx = pqxx::nontransaction;

// Raw bytes (token hashes) as a bytea parameter and back.
inline pqxx::binarystring bytes(const std::string& raw) { return pqxx::binarystring(raw); }
inline std::string bytesOf(const pqxx::field& f) { return pqxx::binarystring(f).str(); }

// A text[] literal for `= ANY($1)` parameters.
inline std::string textArray(pqxx::transaction_base& tx, const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    std::string escaped;
    for (char c : items[i]) {
      if (c == '"' || c == '\\') {
        escaped += '\\';
      }
      escaped += c;
    }
    out += (i ? ",\"" : "\"") + escaped + "\"";
  }
  (void)tx;
  return out + "}";
}

// An int[] / bigint[] literal for `= ANY($1)` and unnest() parameters.
template <typename T>
std::string numberArray(const std::vector<T>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    out += (i ? "," : "") + std::to_string(items[i]);
  }
  return out + "}";
}

}  // namespace hs::db
