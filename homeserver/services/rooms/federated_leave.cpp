// FederatedRooms: rejecting an invite to a room this server is not in (make_leave and
// send_leave v2 through the inviting server, ALGORITHMS §23).
#include <set>

#include "homeserver/core/event_crypto.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/core/percent_encode.h"
#include "homeserver/services/rooms/federated_rooms.h"
#include "homeserver/services/rooms/room_version.h"

namespace hs::rooms {

using core::ErrCode;
using core::MatrixError;
using core::percentEncode;

void FederatedRooms::leaveRemote(const core::UserId& user, const std::string& room_id,
                                 const std::vector<std::string>& servers, const std::string& content) {
  std::string last = "no server to leave it through is known";
  std::set<std::string> tried;
  for (const auto& server : servers) {
    if (server == config_.server_name || !tried.insert(server).second) {
      continue;
    }
    const auto made = remote_.call(server, "GET", "/_matrix/federation/v1/make_leave/" + percentEncode(room_id) + "/" +
                                                      percentEncode(user.str()));
    if (made.status != 200) {
      last = server + ": make_leave: HTTP " + std::to_string(made.status) + " " + made.error;
      continue;
    }
    try {
      auto [leave, version] = signedMembership(made.body, user, room_id, content);
      const auto sent = sendMembership(server, "send_leave", room_id, leave, version);
      if (sent.status != 200) {
        last = server + ": send_leave: HTTP " + std::to_string(sent.status) + " " + sent.error;
        continue;
      }
      CheckedPdu checked = checkPdu(json::toString(leave), room_id, *findRoomVersion(version), *pipeline_.keyLookup());
      pipeline_.storeRemoteMembership(RoomInfo{room_id, version, user.str(), false}, checked, std::nullopt);
      return;
    } catch (const MatrixError& e) {
      last = server + ": " + e.what();
    } catch (const DroppedPdu& e) {
      last = server + ": " + e.what();
    }
  }
  throw MatrixError(ErrCode::Unknown, "Could not leave the room: " + last, 502);
}

}  // namespace hs::rooms
