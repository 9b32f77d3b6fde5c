#pragma once
// Delivery status of a message (seed MESSAGE.status), derived per recipient:
//   sent      - persisted (the only state for remote recipients until federation acks exist);
//   delivered - one of the recipient's devices received it in a /sync response;
//   read      - the recipient's public read receipt (m.read) covers it.
// The overall status is the least advanced of the recipients' (sent when there are none).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "homeserver/core/clock.h"
#include "homeserver/core/ids.h"
#include "homeserver/services/notifications/notification_store.h"
#include "homeserver/services/rooms/room_store.h"

namespace hs::notifications {

struct RecipientStatus {
  std::string user_id;
  std::string status;
  int64_t ts = 0;
};

struct DeliveryStatus {
  std::string status;
  std::vector<RecipientStatus> recipients;
};

class DeliveryService {
 public:
  DeliveryService(DeliveryStore& store, rooms::RoomStore& rooms, const core::Clock& clock,
                  std::string server_name)
      : store_(store), rooms_(rooms), clock_(clock), server_name_(std::move(server_name)) {}

  // GET .../rooms/{roomId}/event/{eventId}/status: only the event's sender may ask
  // (M_FORBIDDEN); M_NOT_FOUND for an event not in the room.
  DeliveryStatus status(const core::UserId& viewer, const std::string& room_id,
                        const std::string& event_id);
  // The overall status of each of the viewer's own events among `events` (for /sync).
  std::map<std::string, std::string> ownStatuses(const std::string& viewer, const std::string& room_id,
                                                 const std::vector<rooms::StoredEvent>& events);
  // A /sync response carried these rooms' timelines up to these positions.
  void delivered(const std::string& user, const std::vector<std::pair<std::string, int64_t>>& rooms);

 private:
  std::vector<std::string> recipientsOf(const std::string& room_id, const std::string& sender);

  DeliveryStore& store_;
  rooms::RoomStore& rooms_;
  const core::Clock& clock_;
  std::string server_name_;
};

}  // namespace hs::notifications
