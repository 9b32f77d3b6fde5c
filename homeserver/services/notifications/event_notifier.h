#pragma once
// Turns newly persisted room events into notifications: for each recipient (the room's joined
// members but the sender, plus the target of an invite) the recipient's push rules are
// evaluated; a notify verdict makes a Matrix notification (unread counts, GET /notifications,
// pushers) and a feed entry, and group invites and group updates get feed entries too.
// Events from a user the recipient blocked are skipped. The sender's own event marks the
// room read for the sender, as a read receipt would.
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "homeserver/services/account_data/account_data_service.h"
#include "homeserver/services/notifications/notification_service.h"
#include "homeserver/services/push_rules/push_rule_service.h"
#include "homeserver/services/rooms/room_facts.h"

namespace hs::notifications {

// Everyone who blocked `sender`.
using Blockers = std::function<std::set<std::string>(const std::string& sender)>;

class EventNotifier {
 public:
  EventNotifier(push_rules::PushRuleService& push_rules,
                account_data::AccountDataService& account_data, NotificationService& notifications,
                Blockers blockers)
      : push_rules_(push_rules), account_data_(account_data), notifications_(notifications),
        blockers_(std::move(blockers)) {}

  // Called after the events are committed, before the room's members are woken, with the
  // room as it is after the commit.
  void onEvents(const std::vector<rooms::StoredEvent>& events, const rooms::RoomFacts& room);

 private:
  struct Room;
  void onEvent(const rooms::StoredEvent& e, const Room& room);

  push_rules::PushRuleService& push_rules_;
  account_data::AccountDataService& account_data_;
  NotificationService& notifications_;
  Blockers blockers_;
};

}  // namespace hs::notifications
