#include "client_api/handlers/e2ee_handlers.h"
#include "client_api/handlers/uia_attempt.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/streams/tokens.h"

namespace hs::client {

using core::ErrCode;
using core::MatrixError;

namespace {
// {"<id>": <raw JSON>, ...}
void writeRawMap(json::Writer& w, const std::map<std::string, std::string>& items) {
  w.startObject();
  for (const auto& [id, raw] : items) {
    w.key(id).raw(raw);
  }
  w.endObject();
}

void writeStrings(json::Writer& w, const std::vector<std::string>& items) {
  w.startArray();
  for (const auto& s : items) {
    w.string(s);
  }
  w.endArray();
}

int64_t tokenParam(const Request& req, const char* name, std::optional<int64_t> fallback) {
  const auto text = req.queryParam(name);
  if (!text || text->empty()) {
    if (fallback) {
      return *fallback;
    }
    throw MatrixError(ErrCode::MissingParam, std::string("Missing '") + name + "'");
  }
  const auto position = streams::parsePaginationToken(*text);
  if (!position) {
    throw MatrixError(ErrCode::InvalidParam, std::string("Invalid '") + name + "' token");
  }
  return *position;
}
}  // namespace

// POST /_matrix/client/v3/keys/upload
Response postKeysUpload(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  const auto counts = ctx.keys.upload(who.userId(), who.device_id, body);
  json::Writer w;
  w.startObject().key("one_time_key_counts").startObject();
  for (const auto& [algorithm, n] : counts) {
    w.key(algorithm).integer(n);
  }
  w.endObject().endObject();
  return Response::json(200, w.take());
}

// POST /_matrix/client/v3/keys/query
Response postKeysQuery(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  const auto result = ctx.keys.query(who.userId(), json::requireObject(body, "device_keys"));
  json::Writer w;
  w.startObject().key("device_keys").startObject();
  for (const auto& [user, devices] : result.device_keys) {
    w.key(user);
    writeRawMap(w, devices);
  }
  w.endObject().key("master_keys");
  writeRawMap(w, result.master_keys);
  w.key("self_signing_keys");
  writeRawMap(w, result.self_signing_keys);
  w.key("user_signing_keys");
  writeRawMap(w, result.user_signing_keys);
  w.key("failures").startObject().endObject().endObject();
  return Response::json(200, w.take());
}

// POST /_matrix/client/v3/keys/claim
Response postKeysClaim(Request& req, const Requester&, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  const auto claimed = ctx.keys.claim(json::requireObject(body, "one_time_keys"));
  json::Writer w;
  w.startObject().key("one_time_keys").startObject();
  for (const auto& [user, devices] : claimed) {
    w.key(user).startObject();
    for (const auto& [device, keys] : devices) {
      w.key(device);
      writeRawMap(w, keys);
    }
    w.endObject();
  }
  w.endObject().key("failures").startObject().endObject().endObject();
  return Response::json(200, w.take());
}

// GET /_matrix/client/v3/keys/changes?from=&to=
Response getKeysChanges(Request& req, const Requester& who, ClientContext& ctx) {
  const int64_t from = tokenParam(req, "from", std::nullopt);
  // NOTSPEC: `to` is required by the spec; like Synapse, a missing one means "now".
  const int64_t to = tokenParam(req, "to", ctx.stream.safePosition());
  const auto delta = ctx.device_lists.delta(who.userId().str(), from, std::min(to, ctx.stream.safePosition()));
  json::Writer w;
  w.startObject().key("changed");
  writeStrings(w, delta.changed);
  w.key("left");
  writeStrings(w, delta.left);
  w.endObject();
  return Response::json(200, w.take());
}

// POST /_matrix/client/v3/keys/device_signing/upload
Response postDeviceSigningUpload(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  const accounts::UiaAttempt uia = uiaAttempt(req, body);
  ctx.cross_signing.uploadKeys(who.userId(), body,
                               [&] { ctx.accounts.requirePassword("device_signing", who, uia); });
  return Response::json(200, "{}");
}

// POST /_matrix/client/v3/keys/signatures/upload
Response postSignaturesUpload(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  const auto failures = ctx.cross_signing.uploadSignatures(who.userId(), body);
  std::map<std::string, std::map<std::string, std::string>> by_user;
  for (const auto& f : failures) {
    by_user[f.user_id][f.key_id] = core::errorBody(f.error);
  }
  json::Writer w;
  w.startObject().key("failures").startObject();
  for (const auto& [user, keys] : by_user) {
    w.key(user);
    writeRawMap(w, keys);
  }
  w.endObject().endObject();
  return Response::json(200, w.take());
}

}  // namespace hs::client
