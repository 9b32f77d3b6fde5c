#pragma once
// Typing notices and read receipts: checked against membership, stored (receipts) or kept in
// memory (typing), and pushed to the room's members' /syncs.
#include <functional>
#include <optional>
#include <string>

#include "homeserver/core/clock.h"
#include "homeserver/services/ephemeral/receipt_store.h"
#include "homeserver/services/ephemeral/typing.h"
#include "homeserver/services/federation/outbound.h"
#include "homeserver/services/rooms/room_store.h"
#include "homeserver/services/streams/notifier.h"
#include "homeserver/services/streams/stream_tracker.h"

namespace hs::ephemeral {

// Called after a read receipt is stored, before the room is woken (unread counts, the
// notification feed, delivery status).
using ReceiptHook = std::function<void(const std::string& user_id, const std::string& room_id,
                                       const std::string& thread_id, int64_t event_stream_pos)>;

class EphemeralService {
 public:
  EphemeralService(rooms::RoomStore& rooms, ReceiptStore& receipts, TypingTracker& typing,
                   streams::StreamTracker& stream, streams::Notifier& notifier, const core::Clock& clock)
      : rooms_(rooms), receipts_(receipts), typing_(typing), stream_(stream), notifier_(notifier),
        clock_(clock) {}

  // A local user's typing notice; other servers in the room get an m.typing EDU.
  void setTyping(const std::string& user_id, const std::string& room_id, bool typing, int64_t timeout_ms);
  // receipt_type: m.read or m.read.private.
  void sendReceipt(const std::string& user_id, const std::string& room_id, const std::string& receipt_type,
                   const std::string& event_id, const std::string& thread_id);
  void setReceiptHook(ReceiptHook hook) { receipt_hook_ = std::move(hook); }
  // Federation (m.typing, m.receipt from `user_id`'s server, already checked to be theirs):
  // applied when the user is joined to the room, else refused (false).
  bool applyRemoteTyping(const std::string& user_id, const std::string& room_id, bool typing);
  bool applyRemoteReceipt(const std::string& user_id, const std::string& room_id, const std::string& event_id,
                          const std::string& thread_id, int64_t ts);
  // Where typing EDUs (which have no transaction of their own) are queued.
  void setOutbox(outbound::Outbox* outbox, std::string our_server) {
    outbox_ = outbox;
    our_server_ = std::move(our_server);
  }
  TypingTracker& typing() { return typing_; }
  ReceiptStore& receipts() { return receipts_; }

 private:
  void requireJoined(const std::string& user_id, const std::string& room_id);
  bool isJoined(const std::string& user_id, const std::string& room_id);
  void notifyMembers(const std::string& room_id);
  std::vector<std::string> remoteServersIn(const std::string& room_id);

  rooms::RoomStore& rooms_;
  ReceiptStore& receipts_;
  TypingTracker& typing_;
  streams::StreamTracker& stream_;
  streams::Notifier& notifier_;
  const core::Clock& clock_;
  ReceiptHook receipt_hook_;
  outbound::Outbox* outbox_ = nullptr;
  std::string our_server_;
};

}  // namespace hs::ephemeral
