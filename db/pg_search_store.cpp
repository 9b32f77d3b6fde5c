// PgSearchStore: one UNION ALL branch per searched key, each matching its partial GIN index
// (the type predicate and the parley_search_vector call repeat migration 0040's, or the
// planner cannot use the index). The rooms and their readable bounds arrive as three arrays
// joined through unnest, so a search over hundreds of rooms is one statement.
#include "db/pg_search_store.h"

#include <pqxx/pqxx>

#include "db/pg_room_rows.h"

namespace hs::db {

namespace {

struct KeySql {
  const char* type;
  const char* vector;  // the indexed expression
};

KeySql keySql(search::SearchKey key) {
  switch (key) {
    case search::SearchKey::kBody:
      return {"m.room.message", "parley_search_vector(e.client_json, 'body')"};
    case search::SearchKey::kName:
      return {"m.room.name", "parley_search_vector(e.client_json, 'name')"};
    case search::SearchKey::kTopic:
      return {"m.room.topic", "parley_search_vector(e.client_json, 'topic')"};
  }
  return {"", ""};
}

// $1 room ids, $2 from_excl, $3 to_incl, $4 the search term.
constexpr const char* kBounds =
    "WITH b AS (SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS t(room_id, lo, hi)), "
    "q AS (SELECT websearch_to_tsquery('english', $4) AS q) ";

std::string matches(const search::TextQuery& q, bool with_rank) {
  std::string sql;
  for (const auto key : q.keys) {
    const KeySql k = keySql(key);
    sql += sql.empty() ? "" : " UNION ALL ";
    sql += std::string("SELECT ") + (with_rank ? kStoredEventColumns : "e.event_nid");
    if (with_rank) {
      sql += std::string(", ts_rank(") + k.vector + ", q.q) AS rank, e.stream_pos AS pos";
    }
    sql += std::string(" FROM events e JOIN b ON e.room_id = b.room_id AND e.stream_pos > b.lo ") +
           "AND e.stream_pos <= b.hi CROSS JOIN q WHERE e.type = '" + k.type + "' AND " + k.vector +
           " @@ q.q";
  }
  return sql;
}

std::string intArray(const std::vector<int64_t>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    out += (i ? "," : "") + std::to_string(items[i]);
  }
  return out + "}";
}

// Runs `sql` with the bounds and the term as $1..$4 and `extra` after them.
template <class... Extra>
pqxx::result run(Pool& pool, const std::string& sql, const search::TextQuery& q, Extra&&... extra) {
  std::vector<std::string> ids;
  std::vector<int64_t> lo;
  std::vector<int64_t> hi;
  for (const auto& r : q.rooms) {
    ids.push_back(r.room_id);
    lo.push_back(r.from_excl);
    hi.push_back(r.to_incl);
  }
  auto lease = pool.acquire();
  ReadTx tx(lease.get());
  return tx.exec_params(sql, textArray(tx, ids), intArray(lo), intArray(hi), withoutNul(q.term),
                        std::forward<Extra>(extra)...);
}

}  // namespace

std::vector<search::SearchHit> PgSearchStore::search(const search::TextQuery& q,
                                                     const search::PageQuery& page) {
  if (q.rooms.empty() || q.keys.empty()) {
    return {};
  }
  const std::string order = page.by_rank ? " ORDER BY rank DESC, pos DESC OFFSET $5 LIMIT $6"
                                         : " ORDER BY pos DESC OFFSET $5 LIMIT $6";
  const std::string sql = std::string(kBounds) + "SELECT * FROM (" + matches(q, true) +
                          ") AS m WHERE pos < $7" + order;
  const auto rows = run(pool_, sql, q, page.offset, static_cast<int64_t>(page.limit), page.before_pos);
  std::vector<search::SearchHit> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    out.push_back({storedEventFromRow(row), row[kStoredEventColumnCount].as<double>()});
  }
  return out;
}

int64_t PgSearchStore::count(const search::TextQuery& q) {
  if (q.rooms.empty() || q.keys.empty()) {
    return 0;
  }
  const std::string sql = std::string(kBounds) + "SELECT count(*) FROM (" + matches(q, false) + ") AS m";
  return run(pool_, sql, q)[0][0].as<int64_t>();
}

}  // namespace hs::db
