// Initial and incremental /sync for users who are in many big rooms: `users` users all join
// all `rooms` rooms, so every room has `users` members. Timeline limit 1 with lazy-loaded
// members, as Element asks for on start-up.
#include <stdexcept>

#include "bench/loadgen/scenarios.h"

namespace bench {

namespace {
constexpr const char* kSyncEndpoint = "/_matrix/client/v3/sync";

struct SyncSeed {
  std::vector<User> users;
  std::vector<std::string> rooms;
};

SyncSeed seed(HttpLoop& loop, const std::vector<int>& conns, size_t n_users, size_t n_rooms) {
  SyncSeed s;
  progress("sync", "registering " + std::to_string(n_users) + " users");
  s.users = registerUsers(loop, conns, "sync", n_users);
  std::vector<User> creators;
  std::vector<size_t> creator_of_room;
  for (size_t r = 0; r < n_rooms; ++r) {
    creator_of_room.push_back(r % n_users);
    creators.push_back(s.users[r % n_users]);
  }
  s.rooms = createRooms(loop, conns, creators);
  const auto pairs = diagonalPairs(s.users, s.rooms, creator_of_room);
  progress("sync", "joining " + std::to_string(pairs.size()) + " memberships");
  const auto t0 = SteadyClock::now();
  joinRooms(loop, conns, pairs);
  const double secs = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  progress("sync", "joined in " + std::to_string(static_cast<int>(secs)) + " s (" +
                       std::to_string(static_cast<int>(pairs.size() / secs)) + "/s)");
  return s;
}

// Mean server-side ms of GET /sync between two /metrics snapshots.
double serverMeanMs(const std::string& before, const std::string& after) {
  const auto b = parseServerTiming(before, "GET", kSyncEndpoint);
  const auto e = parseServerTiming(after, "GET", kSyncEndpoint);
  const double n = e.count - b.count;
  return n > 0 ? 1000.0 * (e.sum_seconds - b.sum_seconds) / n : 0;
}

// `syncers` users each run `rounds` initial syncs back to back, all at once.
// Errors are counted, not fatal: past the server's handler deadline (http.request_timeout_ms,
// 60 s) a request gets 504, and a slow server is a result, not a harness bug.
struct SyncErrors {
  size_t count = 0;
  std::string first;
  Latencies latency;  // how long the failed requests took (about 10 s for a 408)
  bool failed(const HttpRequest& req, const HttpResponse& res) {
    if (res.status == 200) {
      return false;
    }
    if (count++ == 0) {
      first = describe(req, res);
    }
    latency.add(res.latency_ms);
    return true;
  }
};

void initialSyncs(HttpLoop& loop, const Target& t, const SyncSeed& s, size_t syncers, size_t rounds,
                  const std::string& filter, Report& rep) {
  const auto conns = openConnections(loop, syncers);
  auto make = [&](size_t j) { return api::sync(s.users[j % syncers], "", 0, filter); };
  int rooms_seen = -1;
  size_t bytes = 0;
  SyncErrors errors;
  auto record = [&](Latencies& lat) {
    return [&](size_t j, HttpResponse& res) {
      if (!errors.failed(make(j), res)) {
        lat.add(res.latency_ms);
        bytes = res.body.size();
        rooms_seen = rooms_seen < 0 ? syncJoinedRoomCount(res.body) : rooms_seen;
      }
    };
  };
  progress("sync", "measuring one initial sync alone");
  Latencies solo;
  PhaseClock solo_clock = t.clock();  // its hooks also gate this phase (see bench/run.sh)
  solo_clock.start();
  runTasks(loop, {conns[0]}, 1, make, record(solo), ErrorPolicy::kReport);
  solo_clock.stop();
  progress("sync", "measuring " + std::to_string(syncers) + " initial syncs at once");
  Latencies lat;
  const std::string m0 = fetchMetrics(t);
  PhaseClock clock = t.clock();
  clock.start();
  runTasks(loop, conns, syncers * rounds, make, record(lat), ErrorPolicy::kReport);
  clock.stop();
  // Wait until /metrics has counted every sync (a client-side error would leave one still
  // running), so that the next phase is not measured on a busy server and the server-side
  // mean covers them all.
  rep.num("initial_drain_seconds",
          waitServerCount(loop, t, "GET", kSyncEndpoint,
                          parseServerTiming(m0, "GET", kSyncEndpoint).count +
                              static_cast<double>(syncers * rounds)));
  if (rooms_seen >= 0 && rooms_seen != static_cast<int>(s.rooms.size())) {
    throw std::runtime_error("initial sync returned " + std::to_string(rooms_seen) +
                             " rooms, expected " + std::to_string(s.rooms.size()));
  }
  rep.num("initial_solo_ms", solo.count() ? solo.mean() : -1);
  rep.latencies("initial", lat);
  rep.num("initial_errors", static_cast<double>(errors.count));
  if (errors.count > 0) {
    rep.str("initial_first_error", errors.first);
    rep.num("initial_error_mean_ms", errors.latency.mean());
  }
  rep.num("initial_server_mean_ms", serverMeanMs(m0, fetchMetrics(t)));
  rep.num("initial_response_bytes", static_cast<double>(bytes));
  rep.phase("initial_run", clock);
}

// One event in one of the rooms, then one incremental sync of a member; repeated.
void incrementalSyncs(HttpLoop& loop, const Target& t, const SyncSeed& s, size_t steps,
                      const std::string& filter, Report& rep) {
  const User& reader = s.users[0];
  const User& writer = s.users[1 % s.users.size()];
  const int send_conn = loop.addConnection();
  const int sync_conn = loop.addConnection();
  std::string since;
  runTasks(
      loop, {sync_conn}, 1, [&](size_t) { return api::sync(reader, "", 0, filter); },
      [&](size_t, HttpResponse& res) {
        since = fastJsonString(res.body, "next_batch").value_or("");
      });
  Latencies lat;
  size_t missing = 0;
  const std::string m0 = fetchMetrics(t);
  PhaseClock clock = t.clock();
  clock.start();
  for (size_t i = 0; i < steps; ++i) {
    const std::string marker = numbered("incr-", i) + "-marker";
    const std::string& room = s.rooms[(i * 7919) % s.rooms.size()];  // spread over the rooms
    runTasks(
        loop, {send_conn}, 1,
        [&](size_t) { return api::sendText(writer, room, numbered("i", i), marker, 200); },
        [](size_t, HttpResponse&) {});
    runTasks(
        loop, {sync_conn}, 1, [&](size_t) { return api::sync(reader, since, 0, filter); },
        [&](size_t, HttpResponse& res) {
          lat.add(res.latency_ms);
          missing += res.body.find(marker) == std::string::npos;
          since = fastJsonString(res.body, "next_batch").value_or(since);
        });
  }
  clock.stop();
  rep.latencies("incremental", lat);
  rep.num("incremental_server_mean_ms", serverMeanMs(m0, fetchMetrics(t)));
  rep.num("incremental_missing_events", static_cast<double>(missing));
  rep.phase("incremental_run", clock);
}
}  // namespace

Report runSync(HttpLoop& loop, const Target& t, const Args& a) {
  const size_t n_users = a.count("users", 300);
  const size_t n_rooms = a.count("rooms", 300);
  const size_t syncers = std::min(a.count("syncers", 20), n_users);
  const SyncSeed s = seed(loop, openConnections(loop, a.count("seed_conns", 32)), n_users, n_rooms);
  const std::string filter = api::syncFilter(1);
  Report rep("sync");
  rep.num("users", static_cast<double>(n_users));
  rep.num("rooms", static_cast<double>(n_rooms));
  rep.num("members_per_room", static_cast<double>(n_users));
  rep.num("syncers", static_cast<double>(syncers));
  initialSyncs(loop, t, s, syncers, a.count("rounds", 1), filter, rep);
  incrementalSyncs(loop, t, s, a.count("incremental", 200), filter, rep);
  rep.num("rss_bytes", static_cast<double>(residentBytes(t.server_pid)));
  return rep;
}

}  // namespace bench
