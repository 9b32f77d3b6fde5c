#pragma once
// What the to-device service needs from storage. db/pg_e2ee_to_device_store implements it.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "homeserver/services/federation/outbound.h"

namespace hs::e2ee {

struct OutgoingMessage {
  std::string user_id;
  std::string device_id;  // "*": every device the user has when the message is queued
  std::string content;    // JSON object
};

struct QueuedMessage {
  std::string sender;
  std::string type;
  std::string content;
  int64_t stream_pos = 0;
};

class ToDeviceStore {
 public:
  virtual ~ToDeviceStore() = default;
  // Queues one message per target device, each at a position from `next_position`, and the
  // m.direct_to_device EDUs for remote users (`edus`), in one transaction, unless the sending
  // device used `txn_id` before: then nothing is queued and the result is false. Unknown users
  // and devices are skipped.
  virtual bool enqueue(const std::string& sender, const std::string& sender_device,
                       const std::string& txn_id, const std::string& type,
                       const std::vector<OutgoingMessage>& messages, const std::vector<outbound::Edu>& edus,
                       const std::function<int64_t()>& next_position) = 0;
  // Messages from a remote sender (an m.direct_to_device EDU): like enqueue, deduplicated by
  // the sender's message_id instead of a device's transaction id.
  virtual bool enqueueRemote(const std::string& sender, const std::string& message_id, const std::string& type,
                             const std::vector<OutgoingMessage>& messages,
                             const std::function<int64_t()>& next_position) = 0;
  // Deletes the device's messages at or below `up_to` (the client has them).
  virtual void acknowledge(const std::string& user_id, const std::string& device_id, int64_t up_to) = 0;
  // The device's oldest messages at or below `up_to`, at most `limit`, in stream order.
  virtual std::vector<QueuedMessage> pending(const std::string& user_id, const std::string& device_id,
                                             int64_t up_to, size_t limit) = 0;
};

}  // namespace hs::e2ee
