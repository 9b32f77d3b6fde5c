#include "db/pg_room_outbox.h"

#include <algorithm>
#include <iterator>

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
    std::vector<const rooms::PersistedEvent*> outgoing;
    std::vector<std::string> users;  // whose servers hear of these events: "@x:" + server
    for (const auto& e : events) {
      if (!e.in_timeline || (e.origin != rooms::EventOrigin::kLocal && !e.relay)) {
        continue;
      }
      outgoing.push_back(&e);
      if (e.event.type == rooms::kMember && e.event.state_key) {
        users.push_back(*e.event.state_key);  // a remote user kicked, banned or invited
      }
    }
    if (outgoing.empty()) {
      return;
    }
    pqxx::work& tx = pgTransaction(handle);
    for (const auto& row : tx.exec_prepared(kJoinedServers.name, room.room_id)) {
      users.push_back("@x:" + row[0].as<std::string>());
    }
    const auto servers = outbound::remoteServersOf(users, our);
    std::vector<outbound::Pdu> pdus;
    for (const rooms::PersistedEvent* e : outgoing) {
      outbound::Pdu pdu{e->event.event_id, json::toString(*e->event.json), {}};
      // A relayed event's own server has it already (it sent it to us).
      const std::string from(rooms::domainOf(e->event.sender));
      std::copy_if(servers.begin(), servers.end(), std::back_inserter(pdu.destinations),
                   [&](const std::string& s) { return !e->relay || s != from; });
      if (!pdu.destinations.empty()) {
        pdus.push_back(std::move(pdu));
      }
    }
    if (!pdus.empty()) {
      enqueuePdus(tx, pdus);
    }
  };
}

}  // namespace hs::db
