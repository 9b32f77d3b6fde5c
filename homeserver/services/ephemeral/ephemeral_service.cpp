#include "homeserver/services/ephemeral/ephemeral_service.h"

#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"

namespace hs::ephemeral {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr int64_t kRemoteTypingTimeoutMs = 30000;  // a remote notice lasts this long unless renewed
}  // namespace

bool EphemeralService::isJoined(const std::string& user_id, const std::string& room_id) {
  const auto m = rooms_.membership(room_id, user_id);
  return m && m->membership == "join";
}

void EphemeralService::requireJoined(const std::string& user_id, const std::string& room_id) {
  if (!isJoined(user_id, room_id)) {
    throw MatrixError(ErrCode::Forbidden, "You are not in this room");
  }
}

std::vector<std::string> EphemeralService::remoteServersIn(const std::string& room_id) {
  if (outbox_ == nullptr) {
    return {};
  }
  std::vector<std::string> joined;
  for (const auto& m : rooms_.members(room_id)) {
    if (m.membership == "join") {
      joined.push_back(m.user_id);
    }
  }
  return outbound::remoteServersOf(joined, our_server_);
}

bool EphemeralService::applyRemoteTyping(const std::string& user_id, const std::string& room_id, bool typing) {
  if (!isJoined(user_id, room_id)) {
    return false;
  }
  if (typing_.set(room_id, user_id, typing, kRemoteTypingTimeoutMs)) {
    notifyMembers(room_id);
  }
  return true;
}

bool EphemeralService::applyRemoteReceipt(const std::string& user_id, const std::string& room_id,
                                          const std::string& event_id, const std::string& thread_id, int64_t ts) {
  if (!isJoined(user_id, room_id)) {
    return false;
  }
  {
    streams::StreamTracker::Reservation position(stream_);
    receipts_.put(Receipt{room_id, user_id, "m.read", thread_id, event_id, ts, position.position()}, {});
  }
  notifyMembers(room_id);
  return true;
}

void EphemeralService::notifyMembers(const std::string& room_id) {
  std::vector<std::string> users;
  for (const auto& m : rooms_.members(room_id)) {
    if (m.membership == "join") {
      users.push_back(m.user_id);
    }
  }
  notifier_.notifyUsers(users);
}

void EphemeralService::setTyping(const std::string& user_id, const std::string& room_id, bool typing,
                                 int64_t timeout_ms) {
  requireJoined(user_id, room_id);
  if (typing_.set(room_id, user_id, typing, timeout_ms)) {
    notifyMembers(room_id);
  }
  if (auto servers = remoteServersIn(room_id); !servers.empty()) {
    json::Writer w;
    w.startObject().key("room_id").string(room_id).key("user_id").string(user_id);
    w.key("typing").boolean(typing).endObject();
    outbox_->enqueue({{"m.typing", w.take(), std::move(servers), clock_.nowMs() + kRemoteTypingTimeoutMs}});
  }
}

void EphemeralService::sendReceipt(const std::string& user_id, const std::string& room_id,
                                   const std::string& receipt_type, const std::string& event_id,
                                   const std::string& thread_id) {
  if (receipt_type != "m.read" && receipt_type != "m.read.private") {
    throw MatrixError(ErrCode::InvalidParam, "Unknown receipt type " + receipt_type);
  }
  requireJoined(user_id, room_id);
  const auto e = rooms_.eventById(event_id);
  if (!e || e->room_id != room_id) {
    throw MatrixError(ErrCode::NotFound, "Event not found in this room");
  }
  const int64_t now = clock_.nowMs();
  std::vector<outbound::Edu> edus;  // m.read.private never leaves this server
  if (receipt_type == "m.read") {
    if (auto servers = remoteServersIn(room_id); !servers.empty()) {
      json::Writer w;
      w.startObject().key(room_id).startObject().key("m.read").startObject().key(user_id).startObject();
      w.key("event_ids").startArray().string(event_id).endArray();
      w.key("data").startObject().key("ts").integer(now);
      if (!thread_id.empty()) {
        w.key("thread_id").string(thread_id);
      }
      w.endObject().endObject().endObject().endObject().endObject();
      edus.push_back({"m.receipt", w.take(), std::move(servers), std::nullopt});
    }
  }
  {
    streams::StreamTracker::Reservation position(stream_);
    receipts_.put(Receipt{room_id, user_id, receipt_type, thread_id, event_id, now, position.position()}, edus);
  }
  if (receipt_hook_) {
    receipt_hook_(user_id, room_id, thread_id, e->stream_pos);
  }
  if (receipt_type == "m.read") {
    notifyMembers(room_id);
  } else {
    notifier_.notifyUsers({user_id});  // private receipts are only the user's own business
  }
}

}  // namespace hs::ephemeral
