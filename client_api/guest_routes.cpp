// The client routes a guest account may call: the spec's list ("Guest access": reading rooms,
// joining and leaving them, sending m.room.message, typing, receipts, presence, the display
// name, to-device messages and end-to-end keys) plus what clients call before their first
// sync (capabilities, push rules, filters) and whoami/logout/devices, as Synapse allows. Every
// other route answers a guest 403 M_GUEST_ACCESS_FORBIDDEN (http/dispatch).
#include <stdexcept>

#include "client_api/routes.h"

namespace hs::client {

namespace {
using http::Method;

struct GuestRoute {
  Method method;
  const char* path;
};

constexpr GuestRoute kGuestRoutes[] = {
    {Method::Get, "/sync"},
    {Method::Get, "/events"},
    {Method::Get, "/events/:eventId"},
    {Method::Get, "/rooms/:roomId/initialSync"},
    {Method::Get, "/rooms/:roomId/state"},
    {Method::Get, "/rooms/:roomId/state/:eventType"},
    {Method::Get, "/rooms/:roomId/state/:eventType/"},
    {Method::Get, "/rooms/:roomId/state/:eventType/:stateKey"},
    {Method::Get, "/rooms/:roomId/messages"},
    {Method::Get, "/rooms/:roomId/context/:eventId"},
    {Method::Get, "/rooms/:roomId/event/:eventId"},
    {Method::Get, "/rooms/:roomId/members"},
    {Method::Get, "/rooms/:roomId/joined_members"},
    {Method::Get, "/joined_rooms"},
    {Method::Post, "/rooms/:roomId/join"},
    {Method::Post, "/join/:roomId"},
    {Method::Post, "/rooms/:roomId/leave"},
    {Method::Put, "/rooms/:roomId/send/:eventType/:txnId"},  // m.room.message only (putSendEvent)
    {Method::Put, "/rooms/:roomId/typing/:userId"},
    {Method::Post, "/rooms/:roomId/receipt/:receiptType/:eventId"},
    {Method::Post, "/rooms/:roomId/read_markers"},
    {Method::Get, "/presence/:userId/status"},
    {Method::Put, "/presence/:userId/status"},
    {Method::Get, "/profile/:userId"},
    {Method::Get, "/profile/:userId/:field"},
    {Method::Put, "/profile/:userId/:field"},
    {Method::Put, "/sendToDevice/:eventType/:txnId"},
    {Method::Post, "/keys/upload"},
    {Method::Post, "/keys/query"},
    {Method::Post, "/keys/claim"},
    {Method::Get, "/keys/changes"},
    {Method::Get, "/devices"},
    {Method::Get, "/devices/:deviceId"},
    {Method::Put, "/devices/:deviceId"},
    {Method::Get, "/account/whoami"},
    {Method::Post, "/logout"},
    {Method::Get, "/capabilities"},
    {Method::Get, "/pushrules/"},
    {Method::Post, "/user/:userId/filter"},
    {Method::Get, "/user/:userId/filter/:filterId"},
    {Method::Get, "/voip/turnServer"},
    {Method::Get, "/publicRooms"},  // readable without a token anyway
};
}  // namespace

void allowGuestRoutes(http::RouteTable& t) {
  for (const auto& r : kGuestRoutes) {
    if (t.allowGuests(r.method, r.path) == 0) {
      throw std::logic_error(std::string("guest route not registered: ") + r.path);  // a typo here
    }
  }
}

}  // namespace hs::client
