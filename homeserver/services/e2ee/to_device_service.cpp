#include "homeserver/services/e2ee/to_device_service.h"

#include <set>

#include "homeserver/core/matrix_error.h"
#include "homeserver/services/e2ee/positions.h"

namespace hs::e2ee {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kMaxIdBytes = 255;
constexpr size_t kMaxMessages = 10000;

std::string str(const json::Value& v) { return {v.GetString(), v.GetStringLength()}; }
}  // namespace

std::vector<OutgoingMessage> ToDeviceService::parseMessages(const json::Value& messages) const {
  if (!messages.IsObject()) {
    throw MatrixError(ErrCode::BadJson, "'messages' must be an object");
  }
  std::vector<OutgoingMessage> out;
  for (const auto& u : messages.GetObject()) {
    const auto user = core::UserId::parse(str(u.name));
    if (!u.value.IsObject()) {
      throw MatrixError(ErrCode::BadJson, "Each user in 'messages' maps to {device id: content}");
    }
    for (const auto& d : u.value.GetObject()) {
      if (!d.value.IsObject()) {
        throw MatrixError(ErrCode::BadJson, "To-device message content must be an object");
      }
      if (out.size() >= kMaxMessages) {
        throw MatrixError(ErrCode::InvalidParam, "Too many to-device messages in one request");
      }
      // Remote users' messages will travel as m.direct_to_device EDUs once federation
      // exists; until then they are dropped, like messages to unknown devices.
      if (user.server() == server_name_) {
        out.push_back(OutgoingMessage{user.str(), str(d.name), json::toString(d.value)});
      }
    }
  }
  return out;
}

void ToDeviceService::send(const core::UserId& sender, const std::string& sender_device,
                           const std::string& type, const std::string& txn_id,
                           const json::Value& messages) {
  if (type.empty() || type.size() > kMaxIdBytes || txn_id.empty() || txn_id.size() > kMaxIdBytes) {
    throw MatrixError(ErrCode::InvalidParam, "Event type and transaction id must be 1 to 255 bytes");
  }
  const std::vector<OutgoingMessage> outgoing = parseMessages(messages);
  bool queued = false;
  {
    Positions positions(stream_);
    queued = store_.enqueue(sender.str(), sender_device, txn_id, type, outgoing,
                            [&positions] { return positions.take(); });
  }  // positions released before the wake-up
  if (queued) {
    std::set<std::string> users;
    for (const auto& m : outgoing) {
      users.insert(m.user_id);
    }
    notifier_.notifyUsers({users.begin(), users.end()});
  }
}

ToDeviceBatch ToDeviceService::forSync(const std::string& user_id, const std::string& device_id,
                                       std::optional<int64_t> since, int64_t to) {
  if (since && *since > 0) {
    store_.acknowledge(user_id, device_id, *since);
  }
  auto queued = store_.pending(user_id, device_id, to, kMaxPerSync + 1);
  ToDeviceBatch batch;
  if (queued.size() > kMaxPerSync) {
    queued.resize(kMaxPerSync);
    batch.cut_at = queued.back().stream_pos;
  }
  for (const auto& m : queued) {
    json::Writer w;
    w.startObject().key("sender").string(m.sender).key("type").string(m.type);
    w.key("content").raw(m.content).endObject();
    batch.events.push_back(w.take());
  }
  return batch;
}

}  // namespace hs::e2ee
