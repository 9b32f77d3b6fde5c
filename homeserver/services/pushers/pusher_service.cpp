#include "homeserver/services/pushers/pusher_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "homeserver/core/matrix_error.h"
#include "homeserver/net/dns_lookup.h"

namespace hs::pushers {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kMaxAppIdChars = 64;
constexpr size_t kMaxPushkeyBytes = 512;
constexpr std::string_view kNotifyPath = "/_matrix/push/v1/notify";

std::string required(const json::Value& body, const char* key) {
  const auto v = json::optString(body, key);
  if (!v) {
    throw MatrixError(ErrCode::MissingParam, std::string("Missing '") + key + "'");
  }
  return *v;
}

// http(s)://host[:port]/_matrix/push/v1/notify, as the spec requires of data.url.
void checkGatewayUrl(const std::string& url) {
  const size_t scheme = url.find("://");
  const std::string proto = scheme == std::string::npos ? "" : url.substr(0, scheme);
  const size_t path = scheme == std::string::npos ? std::string::npos : url.find('/', scheme + 3);
  if ((proto != "http" && proto != "https") || path == std::string::npos || path == scheme + 3 ||
      url.substr(path) != kNotifyPath) {
    throw MatrixError(ErrCode::InvalidParam, "data.url must be an http(s) URL ending in /_matrix/push/v1/notify");
  }
}

// Refuses a gateway on a private, loopback or link-local address (not whitelisted) now, as
// the outbound client would refuse every push to it later. A name is resolved; one that does
// not resolve yet is left to the send-time check.
void checkGatewayAddress(const std::string& url, const core::AddressPolicy& policy) {
  const std::string host = net::urlHost(url);
  for (const auto& a : net::resolveHost(host)) {
    if (!policy.allowed(a)) {
      throw MatrixError(ErrCode::InvalidParam,
                        "data.url points at " + a.str() + ", an address push gateways may not use");
    }
  }
}

std::optional<std::string> stateString(rooms::RoomStore& rooms, const std::string& room_id,
                                       const char* type, const char* key) {
  const auto e = rooms.stateEvent(room_id, type, "");
  const auto doc = e ? json::tryParse(e->client_json) : std::nullopt;
  const json::Value* c = doc && doc->IsObject() ? json::member(*doc, "content") : nullptr;
  const json::Value* v = c && c->IsObject() ? json::member(*c, key) : nullptr;
  return v && v->IsString() ? std::optional<std::string>(v->GetString()) : std::nullopt;
}
}  // namespace

void PusherService::set(const std::string& user_id, const std::string& device_id, const json::Value& body) {
  const std::string app_id = required(body, "app_id");
  const std::string pushkey = required(body, "pushkey");
  if (app_id.empty() || app_id.size() > kMaxAppIdChars || pushkey.empty() || pushkey.size() > kMaxPushkeyBytes) {
    throw MatrixError(ErrCode::InvalidParam, "app_id must be 1-64 characters and pushkey 1-512 bytes");
  }
  const json::Value* kind = json::member(body, "kind");
  if (kind == nullptr) {
    throw MatrixError(ErrCode::MissingParam, "Missing 'kind'");
  }
  if (kind->IsNull()) {
    d_.store.remove(user_id, app_id, pushkey);
    return;
  }
  if (!kind->IsString() || std::string_view(kind->GetString()) != "http") {
    throw MatrixError(ErrCode::InvalidParam, "Only http pushers are supported");
  }
  const json::Value* data = json::optObject(body, "data");
  if (data == nullptr) {
    throw MatrixError(ErrCode::MissingParam, "Missing 'data'");
  }
  const auto url = json::optString(*data, "url");
  if (!url) {
    throw MatrixError(ErrCode::MissingParam, "Missing 'data.url'");
  }
  checkGatewayUrl(*url);
  checkGatewayAddress(*url, d_.client.policy());
  Pusher p{user_id, app_id, pushkey, "http", required(body, "app_display_name"),
           required(body, "device_display_name"), json::optString(body, "profile_tag"),
           required(body, "lang"), json::toString(*data), d_.clock.nowMs(), device_id};
  d_.store.upsert(p, json::optBool(body, "append").value_or(false));
}

void PusherService::onNotifications(const std::vector<notifications::Notification>& rows) {
  std::vector<std::string> users;
  for (const auto& n : rows) {
    if (n.notify && n.event_id) {
      users.push_back(n.user_id);
    }
  }
  const auto with = d_.store.withPushers(users);
  for (const auto& n : rows) {
    if (n.notify && with.count(n.user_id) != 0) {
      onNotification(n);
    }
  }
}

void PusherService::onNotification(const notifications::Notification& n) {
  if (!n.event_id) {
    return;  // only room events are pushed
  }
  auto pushers = d_.store.list(n.user_id);
  if (pushers.empty()) {
    return;
  }
  const bool queued = scheduler_.runNow([this, n, pushers = std::move(pushers)] {
    const PushContent c = contentFor(n);  // database reads here, before any HTTP call
    for (const auto& p : pushers) {
      attempt(c, p, 1);
    }
  });
  if (!queued) {
    spdlog::warn("push to {} dropped: the outbound pool is full or stopping", n.user_id);
  }
}

PushContent PusherService::contentFor(const notifications::Notification& n) {
  PushContent c;
  c.event_id = *n.event_id;
  c.room_id = n.room_id.value_or("");
  c.actions = n.actions;
  if (const auto e = d_.rooms.eventById(*n.event_id)) {
    c.type = e->type;
    c.sender = e->sender;
    c.user_is_target = e->state_key && *e->state_key == n.user_id;
    if (const auto doc = json::tryParse(e->client_json); doc && doc->IsObject() && doc->HasMember("content")) {
      c.content = json::toString((*doc)["content"]);
    }
    if (const auto m = d_.rooms.membership(e->room_id, e->sender)) {
      c.sender_display_name = m->displayname;
    }
    c.room_name = stateString(d_.rooms, e->room_id, "m.room.name", "name");
  }
  c.unread = d_.notifications.totalUnread(n.user_id);
  return c;
}

// The POST runs on the outbound client's event loop (no pool thread waits on a slow
// gateway); its result is handled back on the pool.
void PusherService::attempt(const PushContent& c, const Pusher& p, int number) {
  net::HttpRequest req;
  req.method = "POST";
  req.url = gatewayUrl(p);
  req.headers = {"Content-Type: application/json"};
  req.body = gatewayBody(c, p);
  req.timeout_ms = d_.config.timeout_ms;
  d_.client.start(std::move(req), [this, c, p, number](net::HttpResult r) {
    if (!scheduler_.runNow([this, c, p, number, r = std::move(r)] { onResult(c, p, number, r); })) {
      spdlog::warn("push result for {} dropped: the outbound pool is full or stopping", p.user_id);
    }
  });
}

void PusherService::onResult(const PushContent& c, const Pusher& p, int number, const net::HttpResult& r) {
  std::string failure = r.error;
  if (r.response) {
    const long status = r.response->status;
    if (status >= 200 && status < 300) {
      for (const auto& key : rejectedPushkeys(r.response->body)) {
        if (key == p.pushkey) {
          spdlog::info("push gateway rejected pushkey of {} ({}): pusher removed", p.user_id, p.app_id);
          d_.store.remove(p.user_id, p.app_id, key);
        }
      }
      return;
    }
    if (status != 429 && status < 500) {
      spdlog::warn("push to {} ({}) refused with HTTP {}: not retried", p.user_id, p.app_id, status);
      return;
    }
    failure = "HTTP " + std::to_string(status);
  }
  if (r.refused_by_policy) {
    spdlog::warn("push to {} ({}) not sent: {}", p.user_id, p.app_id, failure);
    return;
  }
  if (number >= d_.config.max_attempts) {
    spdlog::warn("push to {} ({}) failed {} times, giving up: {}", p.user_id, p.app_id, number, failure);
    return;
  }
  const int64_t backoff = std::min(d_.config.max_backoff_ms, d_.config.initial_backoff_ms << std::min(number - 1, 30));
  scheduler_.runAfter(std::chrono::milliseconds(backoff), [this, c, p, number] { attempt(c, p, number + 1); });
}

}  // namespace hs::pushers
