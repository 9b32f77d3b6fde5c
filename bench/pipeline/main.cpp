// The event pipeline without HTTP: remote PDUs (signed by a fake remote server's own ed25519
// key, so every signature, hash and auth check runs) fed straight to EventPipeline against a
// real PostgreSQL, as the federation receiver will feed it. bench/run.sh runs it as the
// "pipeline" scenario.
//   pipeline_bench --db URL [--events 5000] [--rooms 100] [--room_events 50] [--members 10000]
//                  [--threads 4] [--txn 50]
// Prints one line of JSON: events/s through the pipeline in one room and across many rooms,
// and the time to import the state of a room with --members members.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "db/migrations.h"
#include "db/pg_room_store.h"
#include "db/pg_streams.h"
#include "db/pool.h"
#include "homeserver/core/clock.h"
#include "homeserver/services/rooms/auth_rules.h"
#include "homeserver/services/rooms/event_pipeline.h"

namespace {

using namespace hs;
using Clock = std::chrono::steady_clock;

const std::string kRemote = "remote.bench";
const std::string kAlice = "@alice:remote.bench";

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class Keys : public core::ServerKeyLookup {
 public:
  explicit Keys(const core::SigningKey& key)
      : key_{std::string(key.publicKey()), int64_t{1} << 50, std::nullopt}, id_(key.keyId()) {}
  std::optional<core::VerifyKey> verifyKey(const std::string& server, const std::string& key_id,
                                           int64_t) override {
    if (server == kRemote && key_id == id_) {
      return key_;
    }
    return std::nullopt;
  }

 private:
  core::VerifyKey key_;
  std::string id_;
};

// A linear room on the remote server: each event follows the last and cites the current state.
class RemoteRoom {
 public:
  RemoteRoom(std::string room_id, const core::SigningKey& key) : key_(key) {
    info_.room_id = std::move(room_id);
    info_.room_version = "11";
    info_.creator = kAlice;
    add(kAlice, "m.room.create", "", R"({"room_version":"11"})");
    add(kAlice, "m.room.member", kAlice, R"({"membership":"join"})");
    add(kAlice, "m.room.power_levels", "", R"({"users":{")" + kAlice + R"(":100}})");
    add(kAlice, "m.room.join_rules", "", R"({"join_rule":"public"})");
  }

  std::string add(const std::string& sender, const std::string& type,
                  std::optional<std::string> state_key, const std::string& content) {
    const auto body = json::parseObject(content);
    std::vector<rooms::Event> auth;
    for (const auto& k : rooms::authKeysFor(type, state_key, sender, body)) {
      if (auto it = state_.find(k); it != state_.end()) {
        auth.push_back(events_.at(it->second));
      }
    }
    std::vector<std::pair<std::string, int64_t>> prev;
    if (!last_.empty()) {
      prev.emplace_back(last_, events_.at(last_).depth);
    }
    rooms::NewEvent n = rooms::buildEvent(
        rooms::EventDraft{sender, type, state_key, content, std::nullopt},
        rooms::BuildContext{info_, auth, prev, kRemote, key_, ++ts_});
    last_ = n.event.event_id;
    if (state_key) {
      state_[{type, *state_key}] = last_;
    }
    pdus_[last_] = n.pdu_json;
    events_.emplace(last_, std::move(n.event));
    return last_;
  }
  std::string message(int i) {
    return pdus_.at(add(kAlice, "m.room.message", std::nullopt,
                        R"({"msgtype":"m.text","body":"message )" + std::to_string(i) + "\"}"));
  }
  // send_join's answer at the latest event: its state (auth chains are inside it here).
  rooms::RoomImport stateNow() const {
    rooms::RoomImport im{info_.room_id, "11", {}, {}};
    for (const auto& [key, id] : state_) {
      im.state.push_back(pdus_.at(id));
    }
    return im;
  }
  const std::string& last() const { return last_; }
  const rooms::StateMap& state() const { return state_; }

 private:
  const core::SigningKey& key_;
  rooms::RoomInfo info_;
  std::map<std::string, rooms::Event> events_;
  std::map<std::string, std::string> pdus_;
  rooms::StateMap state_;
  std::string last_;
  int64_t ts_ = 1'000'000;
};

struct Options {
  std::string db;
  size_t events = 5000;
  size_t rooms = 100;
  size_t room_events = 50;
  size_t members = 10000;
  size_t threads = 4;
  size_t txn = 50;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const std::string v = argv[i + 1];
    if (k == "--db") {
      o.db = v;
    } else if (k == "--events") {
      o.events = std::stoul(v);
    } else if (k == "--rooms") {
      o.rooms = std::stoul(v);
    } else if (k == "--room_events") {
      o.room_events = std::stoul(v);
    } else if (k == "--members") {
      o.members = std::stoul(v);
    } else if (k == "--threads") {
      o.threads = std::stoul(v);
    } else if (k == "--txn") {
      o.txn = std::stoul(v);
    }
  }
  return o;
}

// Our server joins: the remote's state imported; its latest event (not ours) is the state the
// first received event builds on.
rooms::ReceiveOptions join(rooms::EventPipeline& pipeline, const RemoteRoom& room) {
  const auto r = pipeline.importRoom(room.stateNow());
  if (!r.imported) {
    throw std::runtime_error("import failed: " + r.reason);
  }
  return rooms::ReceiveOptions{{{room.last(), room.state()}}};
}

// Feeds `pdus` in transactions of `txn`, as /send would deliver them.
size_t feed(rooms::EventPipeline& pipeline, const std::string& room_id, const std::vector<std::string>& pdus,
            size_t txn, const rooms::ReceiveOptions& first) {
  size_t accepted = 0;
  for (size_t i = 0; i < pdus.size(); i += txn) {
    const std::vector<std::string> chunk(pdus.begin() + i, pdus.begin() + std::min(pdus.size(), i + txn));
    for (const auto& r : pipeline.receiveAll(room_id, chunk, rooms::EventOrigin::kRemote,
                                             i == 0 ? first : rooms::ReceiveOptions{})) {
      accepted += r.status == rooms::PduStatus::kAccepted;
    }
  }
  return accepted;
}

// One room: every event in order, in transactions of --txn. Returns (accepted, seconds).
std::pair<size_t, double> oneRoom(rooms::EventPipeline& pipeline, const core::SigningKey& remote,
                                  const Options& o) {
  RemoteRoom room("!one:remote.bench", remote);
  const auto options = join(pipeline, room);
  std::vector<std::string> pdus;
  for (size_t i = 0; i < o.events; ++i) {
    pdus.push_back(room.message(static_cast<int>(i)));
  }
  const auto start = Clock::now();
  const size_t ok = feed(pipeline, "!one:remote.bench", pdus, o.txn, options);
  return {ok, secondsSince(start)};
}

// Many rooms at once: --threads receivers, each taking rooms in turn.
std::pair<size_t, double> manyRooms(rooms::EventPipeline& pipeline, const core::SigningKey& remote,
                                    const Options& o) {
  std::vector<rooms::ReceiveOptions> joined;
  std::vector<std::vector<std::string>> pdus;
  for (size_t r = 0; r < o.rooms; ++r) {
    RemoteRoom room("!r" + std::to_string(r) + ":remote.bench", remote);
    joined.push_back(join(pipeline, room));
    pdus.emplace_back();
    for (size_t i = 0; i < o.room_events; ++i) {
      pdus.back().push_back(room.message(static_cast<int>(i)));
    }
  }
  std::atomic<size_t> ok{0};
  const auto start = Clock::now();
  std::vector<std::thread> workers;
  for (size_t t = 0; t < o.threads; ++t) {
    workers.emplace_back([&, t] {
      for (size_t r = t; r < o.rooms; r += o.threads) {
        ok += feed(pipeline, "!r" + std::to_string(r) + ":remote.bench", pdus[r], o.txn, joined[r]);
      }
    });
  }
  for (auto& w : workers) {
    w.join();
  }
  return {ok.load(), secondsSince(start)};
}

// A big room's state: --members joins, imported as send_join's answer would be. Returns
// (events, imported intact, seconds).
std::tuple<size_t, bool, double> importBigRoom(rooms::EventPipeline& pipeline,
                                               const core::SigningKey& remote, const Options& o) {
  RemoteRoom big("!big:remote.bench", remote);
  for (size_t i = 0; i < o.members; ++i) {
    const std::string user = "@u" + std::to_string(i) + ":remote.bench";
    big.add(user, "m.room.member", user,
            R"({"membership":"join","displayname":"User )" + std::to_string(i) + "\"}");
  }
  const auto im = big.stateNow();
  const auto start = Clock::now();
  const auto imported = pipeline.importRoom(im);
  const double seconds = secondsSince(start);
  return {im.state.size(), imported.imported && imported.state.size() == im.state.size(), seconds};
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  db::Pool pool(o.db, static_cast<int>(o.threads) + 2);
  db::applyMigrations(pool, db::embeddedMigrations());
  db::PgRoomStore store(pool);
  streams::StreamTracker stream(db::maxPersistedStreamPosition(pool));
  streams::Notifier notifier;
  config::Config config;
  config.server_name = "localhost";
  core::SystemClock clock;
  const auto ours = core::SigningKey::generate("bench");
  const auto remote = core::SigningKey::generate("remote");
  Keys keys(remote);
  rooms::EventPipeline pipeline(config, store, stream, notifier, ours, clock, &keys);

  const auto [one_ok, one_s] = oneRoom(pipeline, remote, o);
  const auto [many_ok, many_s] = manyRooms(pipeline, remote, o);
  const auto [import_events, import_ok, import_s] = importBigRoom(pipeline, remote, o);
  std::printf(
      "{\"events\":%zu,\"events_accepted\":%zu,\"events_s\":%.3f,\"events_per_s\":%.1f,"
      "\"rooms\":%zu,\"rooms_events\":%zu,\"rooms_accepted\":%zu,\"rooms_s\":%.3f,"
      "\"rooms_events_per_s\":%.1f,\"threads\":%zu,\"txn\":%zu,\"import_members\":%zu,"
      "\"import_events\":%zu,\"import_ok\":%s,\"import_s\":%.3f}\n",
      o.events, one_ok, one_s, one_ok / one_s, o.rooms, o.rooms * o.room_events, many_ok, many_s,
      many_ok / many_s, o.threads, o.txn, o.members, import_events, import_ok ? "true" : "false",
      import_s);
  return one_ok == o.events && many_ok == o.rooms * o.room_events && import_ok ? 0 : 1;
}
