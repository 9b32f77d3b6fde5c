#include "client_api/handlers/handlers.h"
#include "client_api/handlers/uia_attempt.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"

namespace hs::client {

using core::ErrCode;
using core::MatrixError;

namespace {
void writeDevice(json::Writer& w, const accounts::DeviceRecord& d, const std::string& user_id) {
  w.startObject().key("device_id").string(d.device_id).key("user_id").string(user_id);
  w.optString("display_name", d.display_name).optString("last_seen_ip", d.last_seen_ip);
  if (d.last_seen_ts) {
    w.key("last_seen_ts").integer(*d.last_seen_ts);
  }
  w.endObject();
}
}  // namespace

// GET /_matrix/client/v3/devices
Response getDevices(Request&, const Requester& who, ClientContext& ctx) {
  json::Writer w;
  w.startObject().key("devices").startArray();
  for (const auto& d : ctx.accounts.devices(who)) {
    writeDevice(w, d, who.userId().str());
  }
  w.endArray().endObject();
  return Response::json(200, w.take());
}

// GET /_matrix/client/v3/devices/{deviceId}
Response getDevice(Request& req, const Requester& who, ClientContext& ctx) {
  json::Writer w;
  writeDevice(w, ctx.accounts.device(who, req.pathParam("deviceId")), who.userId().str());
  return Response::json(200, w.take());
}

// PUT /_matrix/client/v3/devices/{deviceId}
Response putDevice(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  ctx.accounts.renameDevice(who, req.pathParam("deviceId"), json::optString(body, "display_name"));
  return Response::json(200, "{}");
}

// DELETE /_matrix/client/v3/devices/{deviceId}
Response deleteDevice(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body, true);
  const std::string& device = req.pathParam("deviceId");
  ctx.accounts.device(who, device);  // 404 before asking for a password
  ctx.accounts.deleteDevices(who, {device}, uiaAttempt(req, body));
  return Response::json(200, "{}");
}

// POST /_matrix/client/v3/delete_devices
Response postDeleteDevices(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  const auto devices = json::optStringArray(body, "devices");
  if (!devices) {
    throw MatrixError(ErrCode::MissingParam, "Missing 'devices'");
  }
  ctx.accounts.deleteDevices(who, *devices, uiaAttempt(req, body));
  return Response::json(200, "{}");
}

}  // namespace hs::client
