#include "homeserver/services/e2ee/to_device_service.h"

#include <set>

#include "homeserver/core/base64.h"
#include "homeserver/core/digest.h"
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

ToDeviceService::Addressed ToDeviceService::parseMessages(const json::Value& messages) const {
  if (!messages.IsObject()) {
    throw MatrixError(ErrCode::BadJson, "'messages' must be an object");
  }
  Addressed out;
  size_t count = 0;
  for (const auto& u : messages.GetObject()) {
    const auto user = core::UserId::parse(str(u.name));
    if (!u.value.IsObject()) {
      throw MatrixError(ErrCode::BadJson, "Each user in 'messages' maps to {device id: content}");
    }
    for (const auto& d : u.value.GetObject()) {
      if (!d.value.IsObject()) {
        throw MatrixError(ErrCode::BadJson, "To-device message content must be an object");
      }
      if (++count > kMaxMessages) {
        throw MatrixError(ErrCode::InvalidParam, "Too many to-device messages in one request");
      }
      OutgoingMessage m{user.str(), str(d.name), json::toString(d.value)};
      if (user.server() == server_name_) {
        out.local.push_back(std::move(m));
      } else {
        out.remote[std::string(user.server())].push_back(std::move(m));
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
  const Addressed addressed = parseMessages(messages);
  const auto edus = remoteEdus(sender, sender_device, type, txn_id, addressed);
  bool queued = false;
  {
    Positions positions(stream_);
    queued = store_.enqueue(sender.str(), sender_device, txn_id, type, addressed.local, edus,
                            [&positions] { return positions.take(); });
  }  // positions released before the wake-up
  if (queued) {
    std::set<std::string> users;
    for (const auto& m : addressed.local) {
      users.insert(m.user_id);
    }
    notifier_.notifyUsers({users.begin(), users.end()});
  }
}

std::vector<outbound::Edu> ToDeviceService::remoteEdus(const core::UserId& sender, const std::string& sender_device,
                                                      const std::string& type, const std::string& txn_id,
                                                      const Addressed& addressed) const {
  // The same request always gives the same message id (at most 32 characters), so the
  // receiver's dedup would also catch a repeated send.
  const std::string message_id =
      core::base64UrlEncode(core::sha256(sender.str() + "\n" + sender_device + "\n" + txn_id)).substr(0, 32);
  std::vector<outbound::Edu> edus;
  if (!federating_) {
    return edus;
  }
  for (const auto& [server, list] : addressed.remote) {
    std::map<std::string, std::vector<const OutgoingMessage*>> by_user;
    for (const auto& m : list) {
      by_user[m.user_id].push_back(&m);
    }
    json::Writer w;
    w.startObject().key("sender").string(sender.str()).key("type").string(type);
    w.key("message_id").string(message_id).key("messages").startObject();
    for (const auto& [user, ms] : by_user) {
      w.key(user).startObject();
      for (const auto* m : ms) {
        w.key(m->device_id).raw(m->content);
      }
      w.endObject();
    }
    w.endObject().endObject();
    edus.push_back({"m.direct_to_device", w.take(), {server}, std::nullopt});
  }
  return edus;
}

bool ToDeviceService::receiveRemote(const std::string& origin, const json::Value& content) {
  const auto sender = json::optString(content, "sender");
  const auto type = json::optString(content, "type");
  const auto message_id = json::optString(content, "message_id");
  const json::Value* messages = json::member(content, "messages");
  if (!sender || !type || !message_id || message_id->empty() || message_id->size() > kMaxIdBytes ||
      type->empty() || type->size() > kMaxIdBytes || messages == nullptr ||
      core::UserId::parse(*sender).server() != origin) {
    return false;
  }
  const Addressed addressed = parseMessages(*messages);  // only our users' messages are kept
  bool queued = false;
  {
    Positions positions(stream_);
    queued = store_.enqueueRemote(*sender, *message_id, *type, addressed.local,
                                  [&positions] { return positions.take(); });
  }
  if (queued) {
    std::set<std::string> users;
    for (const auto& m : addressed.local) {
      users.insert(m.user_id);
    }
    notifier_.notifyUsers({users.begin(), users.end()});
  }
  return true;
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
