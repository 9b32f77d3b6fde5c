#pragma once
// HTTP pushers (POST /pushers/set, GET /pushers) and the pushes themselves: every notify row
// the notification service writes is POSTed to each of the user's push gateways on the
// outbound client, retried with exponential backoff on transport errors, 5xx and 429.
// Gateways on refused address ranges (see core::AddressPolicy) are refused at /pushers/set. Pushkeys
// a gateway rejects lose their pusher. Retries live in memory: a restart forgets them.
#include <string>
#include <vector>

#include "homeserver/config/config.h"
#include "homeserver/core/clock.h"
#include "homeserver/core/json.h"
#include "homeserver/net/outbound_client.h"
#include "homeserver/services/notifications/notification_service.h"
#include "homeserver/services/pushers/push_payload.h"
#include "homeserver/services/pushers/pusher_store.h"
#include "homeserver/core/retry_scheduler.h"
#include "homeserver/services/rooms/room_store.h"

namespace hs::pushers {

struct PusherServiceDeps {
  PusherStore& store;
  rooms::RoomStore& rooms;
  notifications::NotificationService& notifications;
  net::OutboundClient& client;
  core::ThreadPool& pool;
  const config::Push& config;
  const core::Clock& clock;
};

class PusherService {
 public:
  explicit PusherService(PusherServiceDeps deps) : d_(deps), scheduler_(deps.pool) {}

  // POST /pushers/set from `device_id`: kind null deletes; M_MISSING_PARAM / M_INVALID_PARAM
  // for bad bodies.
  void set(const std::string& user_id, const std::string& device_id, const json::Value& body);
  // The user's password changed from `kept_device` (empty: a reset by email): the spec
  // deletes every pusher but that device's.
  void passwordChanged(const std::string& user_id, const std::string& kept_device) {
    d_.store.removeAllBut(user_id, kept_device);
  }
  std::vector<Pusher> list(const std::string& user_id) { return d_.store.list(user_id); }
  // The notification service's push hook: notify rows were written. One read finds the few
  // recipients with pushers; only theirs are listed and pushed.
  void onNotifications(const std::vector<notifications::Notification>& rows);
  void onNotification(const notifications::Notification& n);

 private:
  PushContent contentFor(const notifications::Notification& n);
  void attempt(const PushContent& c, const Pusher& p, int number);
  void onResult(const PushContent& c, const Pusher& p, int number, const net::HttpResult& r);

  PusherServiceDeps d_;
  core::RetryScheduler scheduler_;
};

}  // namespace hs::pushers
