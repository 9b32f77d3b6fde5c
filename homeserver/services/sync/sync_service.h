#pragma once
// Builds /sync responses (ALGORITHMS §22) from the stream: rooms joined, invited and left,
// their timelines, state, ephemeral events and account data, between two stream positions.
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "homeserver/core/clock.h"
#include "homeserver/core/json.h"
#include "homeserver/services/ephemeral/receipt_store.h"
#include "homeserver/services/ephemeral/typing.h"

#include "homeserver/core/matrix_error.h"
#include "homeserver/services/filters/filter.h"
#include "homeserver/services/rooms/client_render.h"
#include "homeserver/services/rooms/room_reader.h"
#include "homeserver/services/rooms/room_store.h"
#include "homeserver/services/streams/stream_tracker.h"
#include "homeserver/services/streams/tokens.h"
#include "homeserver/services/sync/lazy_members.h"
#include "homeserver/services/sync/sync_extension.h"

namespace hs::sync {

struct SyncRequest {
  std::string user_id;
  std::string device_id;
  std::optional<streams::SyncToken> since;
  bool full_state = false;
  // The client's filter (inline or stored); the default lets everything through, with the
  // default timeline limit.
  filters::Filter filter;
};

// The timeline limit of the request's filter, within what /sync serves (1 to 100).
size_t timelineLimit(const SyncRequest& req);
// Whether the filter asks for lazy-loaded members.
bool lazyMembers(const SyncRequest& req);

struct SyncResult {
  std::string body;
  streams::SyncToken next;
  bool has_changes = false;
};

// Account data for sync: (room id or "" for global, type, content JSON).
struct AccountDataItem {
  std::string room_id;
  std::string type;
  std::string content_json;
};
using AccountDataSource =
    std::function<std::vector<AccountDataItem>(const std::string& user_id, int64_t from_excl, int64_t to_incl)>;

// The encryption parts of /sync for one device, filled by the e2ee services (through App):
// to-device messages (acknowledging those a sync with `since` proves delivered), device-list
// changes and key counts.
struct DeviceSyncQuery {
  std::string user_id;
  std::string device_id;
  std::optional<int64_t> since;  // nullopt on an initial sync
  int64_t to = 0;
};
struct DeviceSyncData {
  std::vector<std::string> to_device;  // event JSON objects
  std::optional<int64_t> cut_at;       // more to-device messages wait: next_batch stops here
  std::vector<std::string> changed;    // device_lists, on incremental syncs
  std::vector<std::string> left;
  std::map<std::string, int64_t> one_time_keys_count;
  std::vector<std::string> unused_fallback_key_types;
};
using DeviceSource = std::function<DeviceSyncData(const DeviceSyncQuery&)>;

// sync_e2ee.cpp: writes to_device, device_lists, device_one_time_keys_count and
// device_unused_fallback_key_types; true from hasDeviceNews when a long-poll should answer.
void writeDeviceData(json::Writer& w, const DeviceSyncData& d);
bool hasDeviceNews(const DeviceSyncData& d);

// Writes "account_data":{"events":[...]} with the items of `room_id` ("" for global).
void writeAccountData(json::Writer& w, const std::vector<AccountDataItem>& items,
                      const std::string& room_id);

// Presence changes for sync: (user id, m.presence event JSON) in (from_excl, to_incl].
using PresenceSource = std::function<std::vector<std::pair<std::string, std::string>>(
    int64_t from_excl, int64_t to_incl)>;
// The current presence of some users (those with any), as (user id, m.presence event JSON).
using CurrentPresenceSource =
    std::function<std::vector<std::pair<std::string, std::string>>(const std::vector<std::string>& users)>;

class SyncService {
 public:
  SyncService(rooms::RoomStore& rooms, rooms::RoomReader& reader, ephemeral::ReceiptStore& receipts,
              ephemeral::TypingTracker& typing, streams::StreamTracker& stream, const core::Clock& clock)
      : rooms_(rooms), reader_(reader), receipts_(receipts), typing_(typing), stream_(stream), clock_(clock) {}

  SyncResult sync(const SyncRequest& req);
  void setAccountDataSource(AccountDataSource source) { account_data_ = std::move(source); }
  void setPresenceSource(PresenceSource source) { presence_ = std::move(source); }
  // Users who newly share a room with the syncing user get their current presence in the
  // next incremental sync, even when it did not change.
  void setCurrentPresenceSource(CurrentPresenceSource source) { current_presence_ = std::move(source); }
  // Blocks, notification counts and delivery status (the social layer); may stay unset.
  void setExtension(SyncExtension* extension) { ext_ = extension; }
  void setDeviceSource(DeviceSource source) { device_source_ = std::move(source); }
  // The current position, for a sync that has nothing new (its next_batch).
  streams::SyncToken currentToken() const;

 private:
  struct RoomsOut {
    std::vector<std::pair<std::string, std::string>> join, invite, leave;  // room id, JSON
    std::set<std::string> hidden;  // senders the user blocked
    std::vector<std::pair<std::string, int64_t>> delivered;  // room id, last timeline position
  };
  struct JoinedInput {
    const rooms::UserRoom& room;
    int64_t from;
    int64_t to;
    bool timeline_fresh;  // initial sync, or joined since `from`: the timeline starts over
    bool state_full;      // timeline_fresh or full_state: the whole state is sent
    std::vector<ephemeral::Receipt> receipts;
    bool typing_changed;
  };
  struct Timeline {
    std::vector<rooms::StoredEvent> events;  // oldest first
    bool limited = false;
    int64_t start = 0;  // stream position of the first event
    bool filtered = false;  // the timeline filter dropped events of the window
  };
  // What the joined rooms of one response need, read for all of them at once
  // (sync_batch.cpp): a sync of hundreds of rooms makes a handful of queries, not a dozen
  // per room.
  struct RoomBatch {
    std::map<std::string, Timeline> timelines;
    std::map<std::string, std::vector<rooms::StoredEvent>> state;
    std::map<std::string, rooms::RoomSummary> summaries;
    std::set<std::string> named;  // rooms with a name or canonical alias: no m.heroes
    std::map<std::string, std::map<std::string, UnreadCounts>> unread;  // room -> thread -> counts
    rooms::RenderContext rc;  // extras of every room's timeline events
  };
  RoomBatch loadBatch(const SyncRequest& req, const std::vector<JoinedInput>& rooms, const RoomsOut& out);
  void loadTimelines(const SyncRequest& req, const std::vector<JoinedInput>& rooms, RoomBatch& b);
  // Applies the timeline filter and the user's visible range to a room's newest events
  // (t.events, newest first here), reading older history above `floor_excl` while they leave
  // `limit` or fewer; sets t.filtered. True when history remains unread after the bounded
  // number of rounds.
  bool filterTimeline(const SyncRequest& req, const rooms::VisibleRange& range, int64_t floor_excl,
                      size_t limit, Timeline& t);
  void loadState(const SyncRequest& req, const std::vector<JoinedInput>& rooms, RoomBatch& b);
  // The state filter (types, senders, limit) over every room's state section.
  void filterState(const SyncRequest& req, RoomBatch& b);
  void loadUnread(const SyncRequest& req, const std::vector<JoinedInput>& rooms, RoomBatch& b);
  void loadNamed(const std::vector<std::string>& room_ids, RoomBatch& b);
  void joinedRoom(const SyncRequest& req, const JoinedInput& in,
                  const std::vector<AccountDataItem>& account_data, RoomBatch& batch, RoomsOut& out);
  void joinedRooms(const SyncRequest& req, const std::vector<rooms::UserRoom>& joined, int64_t from,
                   int64_t to, const std::vector<AccountDataItem>& account_data, RoomsOut& out);
  void invitedRoom(const std::string& user_id, const rooms::UserRoom& r, RoomsOut& out);
  DeviceSyncData deviceData(const SyncRequest& req, int64_t from, int64_t to) const;  // sync_e2ee.cpp
  void leftRoom(const SyncRequest& req, const rooms::UserRoom& r, int64_t from, RoomsOut& out);
  void writeUnread(json::Writer& w, const SyncRequest& req, const RoomBatch& batch,
                   const std::string& room_id);
  // Writes the ephemeral section as the ephemeral filter allows; false when it is empty.
  bool writeEphemeral(json::Writer& w, const SyncRequest& req, const std::string& room_id,
                      const std::vector<ephemeral::Receipt>& receipts, bool typing_changed);
  void writeSummary(json::Writer& w, const RoomBatch& batch, const std::string& room_id);

  rooms::RoomStore& rooms_;
  rooms::RoomReader& reader_;
  ephemeral::ReceiptStore& receipts_;
  ephemeral::TypingTracker& typing_;
  streams::StreamTracker& stream_;
  const core::Clock& clock_;
  AccountDataSource account_data_;
  PresenceSource presence_;
  CurrentPresenceSource current_presence_;
  // Presence of the users sharing a room with the syncing user, changed in the range, as
  // the presence filter allows.
  std::vector<std::string> visiblePresence(const std::string& user_id, const filters::Filter& filter,
                                           int64_t from, int64_t to,
                                           const std::vector<std::string>& newly_shared);
  SyncExtension* ext_ = nullptr;
  DeviceSource device_source_;
  LazyMemberCache lazy_sent_;  // members each device holds (include_redundant_members false)
};

}  // namespace hs::sync
