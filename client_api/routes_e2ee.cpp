#include "client_api/handlers/e2ee_handlers.h"

namespace hs::client {

using http::Auth;
using http::Method;

void addE2eeRoutes(http::RouteTable& t, ClientContext& ctx) {
  auto h = [&ctx](Response (*fn)(Request&, const Requester&, ClientContext&)) {
    return [fn, &ctx](Request& req, const Requester& who) { return fn(req, who, ctx); };
  };
  const Auth a = Auth::AccessToken;
  t.addClient(Method::Post, "/keys/upload", a, h(postKeysUpload));
  t.addClient(Method::Post, "/keys/query", a, h(postKeysQuery));
  t.addClient(Method::Post, "/keys/claim", a, h(postKeysClaim));
  t.addClient(Method::Get, "/keys/changes", a, h(getKeysChanges));
  t.addClient(Method::Post, "/keys/device_signing/upload", a, h(postDeviceSigningUpload));
  // The MSC1756 path clients used before v1.1 (older Element and matrix-js-sdk versions).
  t.add(Method::Post, "/_matrix/client/unstable/keys/device_signing/upload", a, h(postDeviceSigningUpload));
  t.addClient(Method::Post, "/keys/signatures/upload", a, h(postSignaturesUpload));

  t.addClient(Method::Put, "/sendToDevice/:eventType/:txnId", a, h(putSendToDevice));

  t.addClient(Method::Post, "/room_keys/version", a, h(postRoomKeysVersion));
  t.addClient(Method::Get, "/room_keys/version", a, h(getRoomKeysVersion));
  t.addClient(Method::Get, "/room_keys/version/:version", a, h(getRoomKeysVersion));
  t.addClient(Method::Put, "/room_keys/version/:version", a, h(putRoomKeysVersion));
  t.addClient(Method::Delete, "/room_keys/version/:version", a, h(deleteRoomKeysVersion));
  for (const char* path : {"/room_keys/keys", "/room_keys/keys/:roomId", "/room_keys/keys/:roomId/:sessionId"}) {
    t.addClient(Method::Put, path, a, h(putRoomKeys));
    t.addClient(Method::Get, path, a, h(getRoomKeys));
    t.addClient(Method::Delete, path, a, h(deleteRoomKeys));
  }
}

}  // namespace hs::client
