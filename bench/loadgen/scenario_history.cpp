// History: one room with a long timeline, then /messages pages of `page` events fetched
// backwards from points deep in it (found with /context, so no token format is assumed).
// --phase seed|measure with --state_file splits it in two processes: bench/run.sh seeds
// the room in the background while another scenario seeds (filling one room is bounded by
// the server's one-commit-per-event pipeline, minutes at 100,000 events), and measures later.
#include <fstream>
#include <stdexcept>

#include "bench/loadgen/scenarios.h"

namespace bench {

namespace {
constexpr const char* kMessagesEndpoint = "/_matrix/client/v3/rooms/:roomId/messages";

double serverMeanMs(const std::string& before, const std::string& after) {
  const auto b = parseServerTiming(before, "GET", kMessagesEndpoint);
  const auto e = parseServerTiming(after, "GET", kMessagesEndpoint);
  const double n = e.count - b.count;
  return n > 0 ? 1000.0 * (e.sum_seconds - b.sum_seconds) / n : 0;
}

// What the measuring phase needs from the seeding phase.
struct HistorySeed {
  User user;
  std::string room;
  double seed_secs = 0;
  std::vector<std::string> deep_events;  // event ids 5%..50% into the history
};

HistorySeed seed(HttpLoop& loop, const std::vector<int>& conns, size_t events) {
  HistorySeed s;
  s.user = registerUsers(loop, conns, "hist", 1)[0];
  s.room = createRooms(loop, conns, {s.user})[0];
  const size_t lo = events / 20, hi = events / 2;
  const size_t step = std::max<size_t>(1, (hi - lo) / 100);
  progress("history", "sending " + std::to_string(events) + " events into one room");
  const auto t0 = SteadyClock::now();
  runTasks(
      loop, conns, events,
      [&](size_t i) { return api::sendText(s.user, s.room, numbered("h", i), "history", 200); },
      [&](size_t i, HttpResponse& res) {
        if (i >= lo && i < hi && (i - lo) % step == 0) {
          s.deep_events.push_back(jsonString(res.body, "event_id").value_or(""));
        }
      });
  s.seed_secs = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  return s;
}

// One value per line: user id, token, room, seeding seconds, then the deep event ids.
void save(const HistorySeed& s, const std::string& path) {
  std::ofstream out(path);
  out << s.user.user_id << "\n" << s.user.token << "\n" << s.room << "\n" << s.seed_secs << "\n";
  for (const auto& e : s.deep_events) {
    out << e << "\n";
  }
  if (!out) {
    throw std::runtime_error("cannot write " + path);
  }
}

HistorySeed load(const std::string& path) {
  std::ifstream in(path);
  HistorySeed s;
  std::string secs;
  if (!std::getline(in, s.user.user_id) || !std::getline(in, s.user.token) ||
      !std::getline(in, s.room) || !std::getline(in, secs)) {
    throw std::runtime_error("no history seed in " + path);
  }
  s.seed_secs = std::stod(secs);
  for (std::string line; std::getline(in, line);) {
    s.deep_events.push_back(line);
  }
  return s;
}

// A pagination token just before each deep event (or the room's end for tiny smoke runs).
std::vector<std::string> deepTokens(HttpLoop& loop, int conn, const HistorySeed& s) {
  std::vector<std::string> events = s.deep_events;
  if (events.empty()) {
    events.push_back("");
  }
  std::vector<std::string> tokens;
  runTasks(
      loop, {conn}, events.size(),
      [&](size_t i) {
        return events[i].empty() ? api::sync(s.user, "", 0, api::syncFilter(1))
                                 : api::context(s.user, s.room, events[i]);
      },
      [&](size_t i, HttpResponse& res) {
        tokens.push_back(
            jsonString(res.body, events[i].empty() ? "next_batch" : "start").value_or(""));
      });
  return tokens;
}
}  // namespace

Report runHistory(HttpLoop& loop, const Target& t, const Args& a) {
  const size_t events = a.count("events", 100000);
  const size_t pages = a.count("pages", 200);
  const int page = static_cast<int>(a.count("page", 100));
  const std::string phase = a.str("phase", "all");
  const std::string state_file = a.str("state_file", "");
  if (phase != "all" && state_file.empty()) {
    throw std::invalid_argument("history --phase seed|measure needs --state_file");
  }
  // Sends to one room are serialized by its lock; 4 in flight hide the round trips, and more
  // would only hold pooled connections while they wait for the lock.
  const auto conns = openConnections(loop, a.count("seed_conns", 4));
  const HistorySeed s = phase == "measure" ? load(state_file) : seed(loop, conns, events);
  Report rep("history");
  rep.num("events", static_cast<double>(events));
  rep.num("seed_events_per_s", static_cast<double>(events) / s.seed_secs);
  if (phase == "seed") {
    save(s, state_file);
    return rep;
  }
  const int conn = conns[0];
  const std::vector<std::string> tokens = deepTokens(loop, conn, s);
  progress("history", "measuring /messages");
  Latencies lat;
  int short_pages = 0;
  const std::string m0 = fetchMetrics(t);
  PhaseClock clock = t.clock();
  clock.start();
  runTasks(
      loop, {conn}, pages,
      [&](size_t i) { return api::messages(s.user, s.room, tokens[i % tokens.size()], page); },
      [&](size_t i, HttpResponse& res) {
        lat.add(res.latency_ms);
        if (i < tokens.size() && jsonArraySize(res.body, "chunk") != page) {
          ++short_pages;  // checked once per token; must be 0 unless the room is tiny
        }
      });
  clock.stop();
  rep.num("page", page);
  rep.latencies("messages", lat);
  rep.num("messages_server_mean_ms", serverMeanMs(m0, fetchMetrics(t)));
  rep.num("short_pages", short_pages);
  rep.phase("run", clock);
  return rep;
}

}  // namespace bench
