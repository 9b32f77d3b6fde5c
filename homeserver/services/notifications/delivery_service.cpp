#include "homeserver/services/notifications/delivery_service.h"

#include "homeserver/core/matrix_error.h"

namespace hs::notifications {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr const char* kSent = "sent";
constexpr const char* kDelivered = "delivered";
constexpr const char* kRead = "read";

int rank(const std::string& s) { return s == kRead ? 2 : s == kDelivered ? 1 : 0; }

bool isLocal(const std::string& user_id, const std::string& server_name) {
  const size_t colon = user_id.find(':');
  return colon != std::string::npos && user_id.substr(colon + 1) == server_name;
}
}  // namespace

std::vector<std::string> DeliveryService::recipientsOf(const std::string& room_id,
                                                       const std::string& sender) {
  std::vector<std::string> out;
  for (const auto& m : rooms_.members(room_id)) {
    if (m.membership == "join" && m.user_id != sender) {
      out.push_back(m.user_id);
    }
  }
  return out;
}

DeliveryStatus DeliveryService::status(const core::UserId& viewer, const std::string& room_id,
                                       const std::string& event_id) {
  const auto e = rooms_.eventById(event_id);
  if (!e || e->room_id != room_id) {
    throw MatrixError(ErrCode::NotFound, "Event not found in this room");
  }
  if (e->sender != viewer.str()) {
    throw MatrixError(ErrCode::Forbidden, "Only the sender of a message can see its delivery status");
  }
  const auto receipts = store_.readReceipts(room_id);
  DeliveryStatus out{kRead, {}};
  for (const auto& user : recipientsOf(room_id, e->sender)) {
    RecipientStatus r{user, kSent, e->origin_server_ts};
    const auto receipt = receipts.find(user);
    if (receipt != receipts.end() && receipt->second.stream_pos >= e->stream_pos) {
      r = {user, kRead, receipt->second.ts};
    } else if (isLocal(user, server_name_)) {
      if (const auto at = store_.deliveredAt(user, room_id, e->stream_pos)) {
        r = {user, kDelivered, *at};
      }
    }
    if (rank(r.status) < rank(out.status)) {
      out.status = r.status;
    }
    out.recipients.push_back(std::move(r));
  }
  if (out.recipients.empty()) {
    out.status = kSent;
  }
  return out;
}

std::map<std::string, std::string> DeliveryService::ownStatuses(
    const std::string& viewer, const std::string& room_id, const std::vector<rooms::StoredEvent>& events) {
  std::map<std::string, std::string> out;
  bool any = false;
  for (const auto& e : events) {
    any = any || e.sender == viewer;
  }
  if (!any) {
    return out;
  }
  const auto recipients = recipientsOf(room_id, viewer);
  const auto receipts = store_.readReceipts(room_id);
  const auto delivered = store_.deliveredUpTo(room_id);
  for (const auto& e : events) {
    if (e.sender != viewer) {
      continue;
    }
    std::string overall = recipients.empty() ? kSent : kRead;
    for (const auto& user : recipients) {
      const auto receipt = receipts.find(user);
      const auto got = delivered.find(user);
      const std::string s = receipt != receipts.end() && receipt->second.stream_pos >= e.stream_pos
                                ? kRead
                                : got != delivered.end() && got->second >= e.stream_pos ? kDelivered
                                                                                         : kSent;
      if (rank(s) < rank(overall)) {
        overall = s;
      }
    }
    out[e.event_id] = overall;
  }
  return out;
}

void DeliveryService::delivered(const std::string& user,
                                const std::vector<std::pair<std::string, int64_t>>& rooms) {
  if (!rooms.empty()) {
    store_.recordDelivery(user, rooms, clock_.nowMs());
  }
}

}  // namespace hs::notifications
