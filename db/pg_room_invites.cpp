// Invites of local users to rooms of other servers (migration 0024): the writer records one in
// the pipeline's transaction, /sync reads its stripped state.
#include "db/pg_room_store.h"
#include "db/pg_room_writer.h"

namespace hs::db {

namespace {
constexpr const char* kMemberNid = "SELECT event_nid FROM events WHERE event_id = $1";
constexpr const char* kDropRemoteInvite = "DELETE FROM remote_invites WHERE room_id = $1 AND user_id = $2";
constexpr const char* kUpsertRemoteInvite =
    "INSERT INTO remote_invites (room_id, user_id, event_id, invite_state) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (room_id, user_id) DO UPDATE SET event_id = EXCLUDED.event_id, "
    "invite_state = EXCLUDED.invite_state";
constexpr const char* kRemoteInviteState =
    "SELECT invite_state FROM remote_invites WHERE room_id = $1 AND user_id = $2";
}  // namespace

void PgRoomWriter::recordRemoteMembership(const rooms::Event& member, int64_t stream_pos,
                                          const std::optional<std::string>& invite_state) {
  const int64_t nid = tx_.exec_params1(kMemberNid, member.event_id)[0].as<int64_t>();
  updateMembership(member, nid, stream_pos);
  if (invite_state) {
    tx_.exec_params(kUpsertRemoteInvite, room_id_, *member.state_key, member.event_id, *invite_state);
  } else {
    tx_.exec_params(kDropRemoteInvite, room_id_, *member.state_key);
  }
}

std::optional<std::string> PgRoomStore::remoteInviteState(const std::string& room_id, const std::string& user_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto r = tx.exec_params(kRemoteInviteState, room_id, user_id);
  if (r.empty()) {
    return std::nullopt;
  }
  return r[0][0].as<std::string>();
}

}  // namespace hs::db
