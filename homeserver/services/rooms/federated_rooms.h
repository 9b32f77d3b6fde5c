#pragma once
// Rooms shared with other servers (issue 15, ALGORITHMS §23): joining a remote room
// (make_join / send_join v2), inviting remote users and being invited (invite v2), and the
// resident side of those handshakes for other servers. Every event goes through the
// EventPipeline; requests to other servers go through outbound::RemoteCalls.
#include <optional>
#include <string>
#include <vector>

#include "homeserver/config/config.h"
#include "homeserver/core/clock.h"
#include "homeserver/core/ids.h"
#include "homeserver/core/signing.h"
#include "homeserver/services/accounts/account_store.h"
#include "homeserver/services/federation/remote_calls.h"
#include "homeserver/services/rooms/event_pipeline.h"

namespace hs::rooms {

// A room alias as the server it belongs to resolves it.
struct AliasTarget {
  std::string room_id;
  std::vector<std::string> servers;
};

// Called before a remote `sender` invites a local `target`; throws MatrixError to refuse.
using RemoteInviteCheck = std::function<void(const core::UserId& sender, const core::UserId& target)>;

class FederatedRooms {
 public:
  FederatedRooms(const config::Config& config, EventPipeline& pipeline, accounts::AccountStore& accounts,
                 outbound::RemoteCalls& remote, const core::SigningKey& key, const core::Clock& clock)
      : config_(config), pipeline_(pipeline), accounts_(accounts), remote_(remote), key_(key), clock_(clock) {}

  // --- as the joining or inviting server (federated_join.cpp, federated_invite.cpp)
  // Joins `user` to a room this server is not in through the first of `servers` that lets
  // them: make_join, then send_join with the signed event; the state and auth chain returned
  // are stored as outliers and the join through the pipeline. `content` is the member event's
  // content (membership join). Throws the last server's refusal when none does.
  void joinRemote(const core::UserId& user, const std::string& room_id, const std::vector<std::string>& servers,
                  const std::string& content);
  // Rejects an invite to a room this server is not in (federated_leave.cpp): make_leave and
  // send_leave v2 through the first of `servers` that answers (the inviting server first); the
  // leave is kept here as the user's membership.
  void leaveRemote(const core::UserId& user, const std::string& room_id, const std::vector<std::string>& servers,
                   const std::string& content);
  // GET query/directory on the alias's server.
  AliasTarget queryAlias(const std::string& alias);
  // Invites a user of another server: the invite is built here, countersigned by the invitee's
  // server (invite v2, with the room's stripped state as full PDUs), then persisted and sent
  // to the room's servers.
  void inviteRemote(const std::string& room_id, const EventDraft& invite);

  // --- as the resident server, for other servers (federated_resident.cpp)
  // GET make_join: {room_version, event} (a join template for `user_id` of `origin`).
  std::string makeJoin(const std::string& origin, const std::string& room_id, const std::string& user_id,
                       const std::vector<std::string>& versions);
  // PUT send_join v2: the join is checked and persisted, and passed on to the room's other
  // servers; returns {origin, state, auth_chain, event, members_omitted, servers_in_room}.
  std::string sendJoin(const std::string& origin, const std::string& room_id, const std::string& event_id,
                       const std::string& body);
  // GET make_leave / PUT send_leave v2 (federated_leave.cpp): as make_join and send_join, for a
  // leave (or the rejection of an invite); send_leave answers {}.
  std::string makeLeave(const std::string& origin, const std::string& room_id, const std::string& user_id);
  std::string sendLeave(const std::string& origin, const std::string& room_id, const std::string& event_id,
                        const std::string& body);
  // PUT invite v2 (federated_invite.cpp): a local user invited by `origin`; returns {event},
  // the invite signed by us too.
  std::string receiveInvite(const std::string& origin, const std::string& room_id, const std::string& event_id,
                            const std::string& body);

  // --- reads of a room's history by other servers (federated_reads.cpp), each refused with
  // M_FORBIDDEN unless a user of `origin` is joined to the room (or it is world_readable).
  std::string getEvent(const std::string& origin, const std::string& event_id);
  std::string getState(const std::string& origin, const std::string& room_id, const std::string& event_id,
                       bool ids_only);
  std::string getEventAuth(const std::string& origin, const std::string& room_id, const std::string& event_id);
  std::string backfill(const std::string& origin, const std::string& room_id, const std::vector<std::string>& from,
                       size_t limit);
  std::string getMissingEvents(const std::string& origin, const std::string& room_id, const std::string& body);

  void setInviteCheck(RemoteInviteCheck check) { invite_check_ = std::move(check); }

 private:
  // One attempt of joinRemote through `server`; the error to report when it fails.
  std::optional<std::string> joinThrough(const std::string& server, const core::UserId& user,
                                         const std::string& room_id, const std::string& content, int& status);
  // The signed member event built from make_join's (make_leave's) answer, and its room version.
  std::pair<json::Document, std::string> signedMembership(const std::string& template_body, const core::UserId& user,
                                                          const std::string& room_id, const std::string& content);
  // PUT send_join / send_leave v2 (`endpoint`) of a signed member event to `server`.
  outbound::RemoteReply sendMembership(const std::string& server, const char* endpoint, const std::string& room_id,
                                       const json::Document& event, const std::string& version);
  // make_join / make_leave as the resident server: the template of `user_id`'s `membership`
  // event, authorized against the current state.
  std::string makeMembership(const std::string& origin, const std::string& room_id, const std::string& user_id,
                             const std::string& membership, const std::vector<std::string>& versions);
  // send_join / send_leave as the resident server: checked, persisted and relayed.
  PduResult receiveMembership(const std::string& origin, const std::string& room_id, const std::string& event_id,
                              const std::string& body, const std::string& membership);
  void checkMayRead(const std::string& origin, const std::string& room_id);
  // {origin, origin_server_ts, pdus}
  std::string transactionOf(const std::vector<Event>& pdus) const;

  const config::Config& config_;
  EventPipeline& pipeline_;
  accounts::AccountStore& accounts_;
  outbound::RemoteCalls& remote_;
  const core::SigningKey& key_;
  const core::Clock& clock_;
  RemoteInviteCheck invite_check_;
};

}  // namespace hs::rooms
