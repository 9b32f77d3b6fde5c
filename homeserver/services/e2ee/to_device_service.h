#pragma once
// To-device messages (PUT /sendToDevice): queued per target device and delivered through
// /sync's to_device section. A message stays queued until a later /sync acknowledges it by
// presenting a since token at or past its position, so a lost response loses nothing.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "homeserver/core/ids.h"
#include "homeserver/core/json.h"
#include "homeserver/services/e2ee/to_device_store.h"
#include "homeserver/services/streams/notifier.h"
#include "homeserver/services/streams/stream_tracker.h"

namespace hs::e2ee {

struct ToDeviceBatch {
  std::vector<std::string> events;  // {"sender","type","content"} objects
  // Set when more messages are waiting than one response carries: the position of the last
  // one delivered, which the response's next_batch must not pass.
  std::optional<int64_t> cut_at;
};

class ToDeviceService {
 public:
  static constexpr size_t kMaxPerSync = 100;

  ToDeviceService(ToDeviceStore& store, streams::StreamTracker& stream, streams::Notifier& notifier,
                  std::string server_name)
      : store_(store), stream_(stream), notifier_(notifier), server_name_(std::move(server_name)) {}

  // `messages` is the request's {user: {device or "*": content}} map. Idempotent per
  // (sending device, txn_id). Remote users' messages become one m.direct_to_device EDU per
  // server, queued in the same transaction.
  void send(const core::UserId& sender, const std::string& sender_device, const std::string& type,
            const std::string& txn_id, const json::Value& messages);
  // An m.direct_to_device EDU from `origin`: {sender, type, message_id, messages}. Messages
  // for this server's users are queued once per message_id. False when refused (the sender is
  // not the origin's, or the content is malformed).
  bool receiveRemote(const std::string& origin, const json::Value& content);
  // With federation off, messages for remote users are dropped (as for unknown devices).
  void setFederating(bool on) { federating_ = on; }
  // For /sync of one device: acknowledges what a sync with `since` proves delivered, then
  // returns the messages queued at or below `to`.
  ToDeviceBatch forSync(const std::string& user_id, const std::string& device_id,
                        std::optional<int64_t> since, int64_t to);

 private:
  struct Addressed {
    std::vector<OutgoingMessage> local;
    std::map<std::string, std::vector<OutgoingMessage>> remote;  // by server
  };
  Addressed parseMessages(const json::Value& messages) const;
  std::vector<outbound::Edu> remoteEdus(const core::UserId& sender, const std::string& sender_device,
                                        const std::string& type, const std::string& txn_id,
                                        const Addressed& addressed) const;

  ToDeviceStore& store_;
  streams::StreamTracker& stream_;
  streams::Notifier& notifier_;
  std::string server_name_;
  bool federating_ = false;
};

}  // namespace hs::e2ee
