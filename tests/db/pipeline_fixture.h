#pragma once
// The EventPipeline on a real PostgreSQL, fed PDUs by a fake remote server ("remote.test",
// with its own ed25519 key) as federation would feed it. Our server is "localhost".
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "db/migrations.h"
#include "db/pg_room_store.h"
#include "db/pool.h"
#include "homeserver/config/config.h"
#include "homeserver/core/clock.h"
#include "homeserver/services/rooms/event_pipeline.h"
#include "homeserver/services/rooms/room_reader.h"
#include "tests/support/remote_room.h"
#include "tests/support/test_server.h"

namespace hs::test {

inline const std::string kRemoteAlice = "@alice:remote.test";
inline const std::string kRemoteBob = "@bob:remote.test";
inline const std::string kRemoteCharlie = "@charlie:remote.test";
inline const std::string kLocalMe = "@me:localhost";

inline config::Config pipelineConfig() {
  config::Config c;
  c.server_name = "localhost";
  return c;
}

struct PipelineFixture {
  TestDatabase database{TestDatabase::Schema::kReused};
  db::Pool pool{database.url(), 4};
  config::Config config = pipelineConfig();
  // Fixed seeds: every fixture of a test trusts the same keys, so one RemoteRoom can feed
  // several servers.
  core::SigningKey our_key = core::SigningKey::fromSeed("ours", std::string(32, 'o'));
  core::SigningKey remote_key = core::SigningKey::fromSeed("remote", std::string(32, 'r'));
  FakeKeys keys;
  db::PgRoomStore store{pool};
  streams::StreamTracker stream{0};
  streams::Notifier notifier;
  core::ManualClock clock{2'000'000};
  rooms::EventPipeline pipeline{config, store, stream, notifier, our_key, clock, &keys};
  rooms::RoomReader reader{store, stream};

  PipelineFixture() {
    keys.add("localhost", our_key);
    keys.add("remote.test", remote_key);
  }

  // A room on remote.test: Alice creates it, joins, sets power levels (Alice 100, Bob 50) and
  // public join rules; Bob joins.
  RemoteRoom remoteRoom(const std::string& version = "11") {
    RemoteRoom room(version, {{"remote.test", &remote_key}, {"localhost", &our_key}});
    room.create(kRemoteAlice);
    room.member(kRemoteAlice, kRemoteAlice, "join");
    // Room v12 creators are infinitely powerful and may not be listed.
    const std::string alice = version == "12" ? "" : "\"" + kRemoteAlice + "\":100,";
    room.state(kRemoteAlice, "m.room.power_levels", "",
               R"({"users":{)" + alice + "\"" + kRemoteBob + R"(":50}})");
    room.state(kRemoteAlice, "m.room.join_rules", "", R"({"join_rule":"public"})");
    room.member(kRemoteBob, kRemoteBob, "join");
    return room;
  }

  // The state after `at` and its auth chain, as send_join returns them, imported.
  void importAt(const RemoteRoom& room, const std::string& at) {
    const auto imported = pipeline.importRoom(
        {room.roomId(), room.version(), room.statePdus(at), room.authChainPdus(at)});
    ASSERT_TRUE(imported.imported) << imported.reason;
  }

  // What /state_ids would tell about `at`: the state after it.
  static rooms::ReceiveOptions stateAt(const RemoteRoom& room, const std::string& at) {
    return rooms::ReceiveOptions{{{at, room.stateAfter(at)}}};
  }

  // Our server joins: the remote's state imported, then @me's join (on the remote's latest
  // event) starts our timeline.
  void join(RemoteRoom& room) {
    const std::string at = room.last();
    importAt(room, at);
    const auto me = room.member(kLocalMe, kLocalMe, "join");
    const auto r = receive(room, me.json, rooms::EventOrigin::kRemote, stateAt(room, at));
    ASSERT_EQ(r.status, rooms::PduStatus::kAccepted) << r.reason;
  }

  rooms::PduResult receive(const RemoteRoom& room, const std::string& pdu,
                           rooms::EventOrigin origin = rooms::EventOrigin::kRemote,
                           const rooms::ReceiveOptions& options = {}) {
    return pipeline.receive(room.roomId(), pdu, origin, options);
  }

  // The room's timeline as /sync reads it (stream order).
  std::vector<std::string> timeline(const std::string& room_id) {
    std::vector<std::string> ids;
    for (const auto& e : store.roomEvents(room_id, 0, stream.safePosition(), 5000, false)) {
      ids.push_back(e.event_id);
    }
    return ids;
  }

  std::vector<std::string> extremities(const std::string& room_id) {
    auto w = store.writer(room_id);
    w->lockRoom();
    std::vector<std::string> ids;
    for (const auto& [id, depth] : w->extremities()) {
      ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  std::string current(const std::string& room_id, const std::string& type, const std::string& key = "") {
    const auto e = store.stateEvent(room_id, type, key);
    return e ? e->event_id : std::string();
  }
};

}  // namespace hs::test
