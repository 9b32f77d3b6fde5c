#pragma once
// The room store's locked writer: one transaction per batch of events, holding the room row FOR
// UPDATE so a room's events are placed one at a time. pg_room_writer.cpp has the lock and the
// reads, pg_room_persist.cpp places events, pg_room_groups.cpp writes state groups and the
// current state.
#include <pqxx/pqxx>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "db/pg_transaction.h"
#include "db/pg_util.h"
#include "db/pool.h"
#include "db/state_group_cache.h"
#include "homeserver/services/rooms/room_store.h"

namespace hs::db {

// A state group's place in its chain of layers.
struct GroupHead {
  int64_t group = 0;  // 0: no state (a room before its create event)
  int chain = 0;
  int snapshot_size = 0;
};

class PgRoomWriter final : public rooms::RoomWriter {
 public:
  PgRoomWriter(Pool& pool, StateGroupCache& cache, std::string room_id)
      : lease_(pool.acquire()), tx_(lease_.get()), cache_(cache), room_id_(std::move(room_id)) {}

  std::optional<rooms::RoomInfo> lockRoom() override;
  void insertRoom(const rooms::RoomInfo& room, int64_t now) override;
  // Read by lockRoom and kept current by persist: the room is locked, nobody else moves them.
  std::vector<std::pair<std::string, int64_t>> extremities() override { return extremities_; }
  int64_t currentGroup() override { return head_.group; }
  std::vector<rooms::Event> stateEvents(const std::vector<rooms::StateKey>& keys) override;
  std::vector<rooms::Event> stateEventsAt(int64_t group, const std::vector<rooms::StateKey>& keys) override;
  rooms::StateMap groupState(int64_t group) override;
  int64_t writeGroup(const rooms::StateMap& state, int64_t base) override;
  std::vector<rooms::EventMeta> eventMeta(const std::vector<std::string>& event_ids) override;
  std::vector<rooms::Event> events(const std::vector<std::string>& event_ids) override;
  std::vector<rooms::Event> authChains(const std::vector<std::string>& event_ids) override;
  std::optional<std::string> eventForTxn(const std::string& user, const std::string& device,
                                         const std::string& txn_key) override;
  std::optional<rooms::Event> event(const std::string& event_id) override;
  bool hasAnnotation(const std::string& event_id, const std::string& sender,
                     const std::string& key) override;
  rooms::StoredEvent persist(const rooms::NewEvent& e, const rooms::Placement& placement) override;
  void insertOutliers(const std::vector<rooms::OutlierRow>& rows) override;
  bool setCurrentState(int64_t group, int64_t stream_pos) override;
  int64_t nextBackfillPosition() override;
  void addBackwardExtremities(const std::vector<std::string>& event_ids) override;
  bool removeBackwardExtremity(const std::string& event_id) override;
  std::vector<std::pair<std::string, std::string>> redactionsOf(const std::string& event_id) override;
  void markRedacted(const std::string& event_id, const std::string& redaction_id,
                    const std::string& redacted_client_json) override;
  bool insertAlias(const std::string& alias, const std::string& creator) override;
  rooms::TransactionHandle& transaction() override { return handle_; }
  void commit() override { tx_.commit(); }

 private:
  using Entries = StateGroupCache::Resolved;  // (key_nid, event_nid), by key_nid
  // pg_room_persist.cpp
  rooms::StoredEvent persistAdvancing(const rooms::NewEvent& n, const rooms::Placement& p);
  rooms::StoredEvent persistPlaced(const rooms::NewEvent& n, const rooms::Placement& p);
  void moveExtremities(const rooms::Event& e);
  void updateMembership(const rooms::Event& e, int64_t event_nid, int64_t stream_pos);
  // pg_room_groups.cpp
  int internKey(const std::string& type, const std::string& state_key);
  GroupHead groupInfo(int64_t group);
  // A new group: `parent` plus `entries` (a layer), or a snapshot when the chain is long.
  int64_t addLayer(const GroupHead& parent, const Entries& entries);
  int64_t writeSnapshot(const Entries& entries);
  void addStateLayer(int key_nid, int64_t event_nid);
  void upsertMembers(const Entries& entries, int64_t stream_pos);
  std::vector<rooms::Event> eventsByNid(const std::vector<int64_t>& event_nids);
  std::unordered_map<int64_t, std::string> eventIdsByNid(const std::vector<int64_t>& event_nids);

  Pool::Lease lease_;
  pqxx::work tx_;
  PgTransactionHandle handle_{tx_};
  StateGroupCache& cache_;
  std::string room_id_;
  std::string version_ = "11";  // set by lockRoom or insertRoom before any event is read
  GroupHead head_;
  std::vector<std::pair<std::string, int64_t>> extremities_;
};

// Upserting room_members rows (first the columns, then VALUES or SELECT, then this conflict
// clause). join_since / invite_since: see migration 0008. A join after a join (a profile
// change) keeps its streak's start; a join after an invite keeps the invite's position.
inline constexpr const char* kUpsertMemberColumns =
    "INSERT INTO room_members AS m (room_id, user_id, membership, event_nid, stream_pos, "
    "displayname, avatar_url, forgotten, join_since, invite_since) ";
inline constexpr const char* kUpsertMemberConflict =
    " ON CONFLICT (room_id, user_id) DO UPDATE SET membership = EXCLUDED.membership, "
    "event_nid = EXCLUDED.event_nid, stream_pos = EXCLUDED.stream_pos, "
    "displayname = EXCLUDED.displayname, avatar_url = EXCLUDED.avatar_url, forgotten = FALSE, "
    "join_since = CASE WHEN EXCLUDED.membership <> 'join' THEN m.join_since "
    "  WHEN m.membership = 'join' THEN m.join_since ELSE EXCLUDED.stream_pos END, "
    "invite_since = CASE WHEN EXCLUDED.membership = 'invite' AND m.membership <> 'invite' "
    "  THEN EXCLUDED.stream_pos "
    "  WHEN EXCLUDED.membership = 'invite' THEN m.invite_since "
    "  WHEN EXCLUDED.membership = 'join' AND m.membership IN ('invite', 'join') THEN m.invite_since "
    "  WHEN EXCLUDED.membership = 'join' THEN NULL ELSE m.invite_since END";

// Parses stored PDUs: (pdu_json, event_id, rejected, room_version) rows.
std::vector<rooms::Event> parseEventRows(const pqxx::result& rows);

}  // namespace hs::db
