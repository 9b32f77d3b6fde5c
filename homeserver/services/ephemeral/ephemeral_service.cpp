#include "homeserver/services/ephemeral/ephemeral_service.h"

#include "homeserver/core/matrix_error.h"

namespace hs::ephemeral {

using core::ErrCode;
using core::MatrixError;

void EphemeralService::requireJoined(const std::string& user_id, const std::string& room_id) {
  const auto m = rooms_.membership(room_id, user_id);
  if (!m || m->membership != "join") {
    throw MatrixError(ErrCode::Forbidden, "You are not in this room");
  }
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
  {
    streams::StreamTracker::Reservation position(stream_);
    receipts_.put(Receipt{room_id, user_id, receipt_type, thread_id, event_id, clock_.nowMs(),
                          position.position()});
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
