#include "federation/handlers/handlers.h"
#include "federation/keys/key_ring.h"
#include "homeserver/core/ids.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"

namespace hs::fed {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kMaxServersPerQuery = 100;

// The notary's minimum_valid_until_ts of one server: the largest any of its key ids asks for.
int64_t minimumOf(const json::Value& criteria, int64_t now) {
  int64_t min = now;
  if (criteria.IsObject()) {
    for (const auto& k : criteria.GetObject()) {
      if (const auto ts = k.value.IsObject() ? json::optInt(k.value, "minimum_valid_until_ts") : std::nullopt) {
        min = std::max(min, *ts);
      }
    }
  }
  return min;
}
}  // namespace

std::string notaryEntry(FederationContext& ctx, const std::string& server, int64_t min_valid_until_ts) {
  const auto response = ctx.keys.responseFor(server, min_valid_until_ts);
  return response ? ctx.own_keys.countersign(*response) : std::string();
}

// POST /_matrix/key/v2/query (not signed): {server_keys:{server:{key_id:{minimum_valid_until_ts}}}}
// -> {server_keys:[key objects, each also signed by this server]}
Response postKeyQuery(Request& req, const Requester&, FederationContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  const json::Value& servers = json::requireObject(body, "server_keys");
  if (servers.MemberCount() > kMaxServersPerQuery) {
    throw MatrixError(ErrCode::InvalidParam, "At most 100 servers per query");
  }
  const int64_t now = ctx.clock.nowMs();
  json::Writer w;
  w.startObject().key("server_keys").startArray();
  for (const auto& s : servers.GetObject()) {
    const std::string server(s.name.GetString(), s.name.GetStringLength());
    if (!core::isValidServerName(server)) {
      throw MatrixError(ErrCode::InvalidParam, "Not a server name: " + server);
    }
    const std::string entry = notaryEntry(ctx, server, minimumOf(s.value, now));
    if (!entry.empty()) {
      w.raw(entry);
    }
  }
  w.endArray().endObject();
  return Response::json(200, w.take());
}

}  // namespace hs::fed
