#pragma once
// Applying the EDUs of inbound transactions (ALGORITHMS §12). Each EDU speaks only for the
// origin's own users; one that does not is ignored, as is one for a room the user is not in.
//   m.typing, m.receipt  -> the room's typing set and receipts (local rooms, joined users)
//   m.presence            -> the remote user's presence
//   m.direct_to_device    -> this server's users' to-device inboxes, once per message_id
//   m.device_list_update, m.signing_key_update -> kept as they arrived (E2EE over federation
//                            is a later issue), once per user and stream_id / content
#include <string>

#include "federation/inbound/inbound_store.h"
#include "homeserver/core/json.h"

namespace hs::ephemeral {
class EphemeralService;
}
namespace hs::presence {
class PresenceService;
}
namespace hs::e2ee {
class ToDeviceService;
}

namespace hs::fed {

struct EduTargets {
  ephemeral::EphemeralService& ephemeral;
  presence::PresenceService& presence;
  e2ee::ToDeviceService& to_device;
  InboundStore& store;
};

class EduApplier {
 public:
  explicit EduApplier(EduTargets targets) : t_(targets) {}
  // False when the EDU was refused or ignored. Throws MatrixError for malformed content (the
  // caller drops that EDU alone); database errors propagate (the transaction is retried).
  bool apply(const std::string& origin, const std::string& edu_type, const json::Value& content);

 private:
  bool typing(const std::string& origin, const json::Value& content);
  bool receipts(const std::string& origin, const json::Value& content);
  bool presence(const std::string& origin, const json::Value& content);
  bool keep(const std::string& origin, const std::string& edu_type, const json::Value& content);

  EduTargets t_;
};

}  // namespace hs::fed
