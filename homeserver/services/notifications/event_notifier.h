#pragma once
// Turns newly persisted room events into notifications: for each recipient (the room's joined
// members but the sender, plus the target of an invite) the recipient's push rules are
// evaluated; a notify verdict makes a Matrix notification (unread counts, GET /notifications,
// pushers) and a feed entry, and group invites and group updates get feed entries too.
// Events from a user the recipient blocked are skipped. The sender's own event marks the
// room read for the sender, as a read receipt would.
#include <functional>
#include <string>
#include <vector>

#include "homeserver/services/account_data/account_data_service.h"
#include "homeserver/services/notifications/notification_service.h"
#include "homeserver/services/push_rules/push_rule_service.h"
#include "homeserver/services/rooms/room_store.h"

namespace hs::notifications {

// Whether `recipient` blocked `sender`.
using BlockCheck = std::function<bool(const std::string& recipient, const std::string& sender)>;

class EventNotifier {
 public:
  EventNotifier(rooms::RoomStore& rooms, push_rules::PushRuleService& push_rules,
                account_data::AccountDataService& account_data, NotificationService& notifications,
                BlockCheck blocked)
      : rooms_(rooms), push_rules_(push_rules), account_data_(account_data),
        notifications_(notifications), blocked_(std::move(blocked)) {}

  // Called after the events are committed, before the room's members are woken.
  void onEvents(const std::string& room_id, const std::vector<std::string>& event_ids);

 private:
  struct RoomFacts;
  RoomFacts roomFacts(const std::string& room_id);
  void onEvent(const rooms::StoredEvent& e, const RoomFacts& room);
  bool isDirectFor(const std::string& user, const std::string& room_id);

  rooms::RoomStore& rooms_;
  push_rules::PushRuleService& push_rules_;
  account_data::AccountDataService& account_data_;
  NotificationService& notifications_;
  BlockCheck blocked_;
};

}  // namespace hs::notifications
