#include "db/pg_room_outbox.h"

#include "db/pg_outbox.h"
#include "db/pg_transaction.h"
#include "db/prepared.h"

namespace hs::db {

namespace {
// The servers of the room's joined members, each once (a big room has far fewer servers than
// members).
const Prepared kJoinedServers = prepared(
    "room_joined_servers",
    "SELECT DISTINCT substr(user_id, strpos(user_id, ':') + 1) FROM room_members "
    "WHERE room_id = $1 AND membership = 'join'");
}  // namespace

rooms::InTransactionWriter roomOutboxWriter(std::string our_server) {
  return [our = std::move(our_server)](rooms::TransactionHandle& handle, const rooms::RoomInfo& room,
                                       const std::vector<rooms::PersistedEvent>& events) {
    std::vector<outbound::Pdu> pdus;
    std::vector<std::string> users;  // whose servers hear of these events: "@x:" + server
    for (const auto& e : events) {
      if (e.origin != rooms::EventOrigin::kLocal || !e.in_timeline) {
        continue;
      }
      pdus.push_back({e.event.event_id, json::toString(*e.event.json), {}});
      if (e.event.type == rooms::kMember && e.event.state_key) {
        users.push_back(*e.event.state_key);  // a remote user kicked, banned or invited
      }
    }
    if (pdus.empty()) {
      return;
    }
    pqxx::work& tx = pgTransaction(handle);
    for (const auto& row : tx.exec_prepared(kJoinedServers.name, room.room_id)) {
      users.push_back("@x:" + row[0].as<std::string>());
    }
    const auto servers = outbound::remoteServersOf(users, our);
    if (servers.empty()) {
      return;
    }
    for (auto& pdu : pdus) {
      pdu.destinations = servers;
    }
    enqueuePdus(tx, pdus);
  };
}

}  // namespace hs::db
