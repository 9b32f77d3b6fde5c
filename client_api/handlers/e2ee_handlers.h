#pragma once
// Client API handlers for end-to-end encryption: keys, cross-signing, to-device messages and
// key backup. Same shape as handlers.h: one function per endpoint, <httpVerb><SpecThing>.
#include "client_api/handlers/handlers.h"

namespace hs::client {

// keys.cpp
Response postKeysUpload(Request& req, const Requester& who, ClientContext& ctx);
Response postKeysQuery(Request& req, const Requester& who, ClientContext& ctx);
Response postKeysClaim(Request& req, const Requester& who, ClientContext& ctx);
Response getKeysChanges(Request& req, const Requester& who, ClientContext& ctx);
Response postDeviceSigningUpload(Request& req, const Requester& who, ClientContext& ctx);
Response postSignaturesUpload(Request& req, const Requester& who, ClientContext& ctx);

// to_device.cpp
Response putSendToDevice(Request& req, const Requester& who, ClientContext& ctx);

// room_keys.cpp
Response postRoomKeysVersion(Request& req, const Requester& who, ClientContext& ctx);
Response getRoomKeysVersion(Request& req, const Requester& who, ClientContext& ctx);
Response putRoomKeysVersion(Request& req, const Requester& who, ClientContext& ctx);
Response deleteRoomKeysVersion(Request& req, const Requester& who, ClientContext& ctx);
Response putRoomKeys(Request& req, const Requester& who, ClientContext& ctx);
Response getRoomKeys(Request& req, const Requester& who, ClientContext& ctx);
Response deleteRoomKeys(Request& req, const Requester& who, ClientContext& ctx);

// routes_e2ee.cpp
void addE2eeRoutes(http::RouteTable& t, ClientContext& ctx);

}  // namespace hs::client
