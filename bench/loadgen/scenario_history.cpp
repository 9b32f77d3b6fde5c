// History: one room with a long timeline, then /messages pages of `page` events fetched
// backwards from points deep in it (found with /context, so no token format is assumed).
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
}  // namespace

Report runHistory(HttpLoop& loop, const Target& t, const Args& a) {
  const size_t events = a.count("events", 100000);
  const size_t pages = a.count("pages", 200);
  const int page = static_cast<int>(a.count("page", 100));
  const auto seed_conns = openConnections(loop, a.count("seed_conns", 16));
  const User user = registerUsers(loop, seed_conns, "hist", 1)[0];
  const std::string room = createRooms(loop, seed_conns, {user})[0];

  // Sample 100 events from the oldest half (5%..50% of the history): "deep" pages.
  const size_t lo = events / 20, hi = events / 2;
  const size_t step = std::max<size_t>(1, (hi - lo) / 100);
  std::vector<std::string> deep_events;
  progress("history", "sending " + std::to_string(events) + " events into one room");
  const auto t0 = SteadyClock::now();
  runTasks(
      loop, seed_conns, events,
      [&](size_t i) { return api::sendText(user, room, numbered("h", i), "history", 200); },
      [&](size_t i, HttpResponse& res) {
        if (i >= lo && i < hi && (i - lo) % step == 0) {
          deep_events.push_back(jsonString(res.body, "event_id").value_or(""));
        }
      });
  const double seed_secs = std::chrono::duration<double>(SteadyClock::now() - t0).count();
  if (deep_events.empty()) {
    deep_events.push_back("");  // tiny smoke runs: page from the end instead
  }

  std::vector<std::string> tokens;
  const int conn = seed_conns[0];
  runTasks(
      loop, {conn}, deep_events.size(),
      [&](size_t i) {
        return deep_events[i].empty() ? api::sync(user, "", 0, api::syncFilter(1))
                                      : api::context(user, room, deep_events[i]);
      },
      [&](size_t i, HttpResponse& res) {
        const char* key = deep_events[i].empty() ? "next_batch" : "start";
        tokens.push_back(jsonString(res.body, key).value_or(""));
      });

  progress("history", "measuring /messages");
  Latencies lat;
  int short_pages = 0;
  const std::string m0 = fetchMetrics(loop, conn);
  PhaseClock clock(t.server_pid, t.pg_pid);
  clock.start();
  runTasks(
      loop, {conn}, pages,
      [&](size_t i) { return api::messages(user, room, tokens[i % tokens.size()], page); },
      [&](size_t i, HttpResponse& res) {
        lat.add(res.latency_ms);
        if (i < tokens.size() && jsonArraySize(res.body, "chunk") != page) {
          ++short_pages;  // checked once per token; must be 0 unless the room is tiny
        }
      });
  clock.stop();
  Report rep("history");
  rep.num("events", static_cast<double>(events));
  rep.num("page", page);
  rep.num("seed_events_per_s", static_cast<double>(events) / seed_secs);
  rep.latencies("messages", lat);
  rep.num("messages_server_mean_ms", serverMeanMs(m0, fetchMetrics(loop, conn)));
  rep.num("short_pages", short_pages);
  rep.phase("run", clock);
  return rep;
}

}  // namespace bench
