// The HTTP ceiling, idle memory and the send throughput scenario.
#include "bench/loadgen/scenarios.h"

namespace bench {

void pause(HttpLoop& loop, double ms) {
  bool done = false;
  loop.after(ms, [&] {
    done = true;
    loop.stop();  // run() would otherwise wait for parked long-polls too
  });
  while (!done) {
    loop.run();
  }
}

double waitServerCount(HttpLoop& loop, const Target& t, const std::string& method,
                       const std::string& endpoint, double count) {
  const auto t0 = SteadyClock::now();
  for (;;) {
    const std::string metrics = fetchMetrics(t);
    if (!metrics.empty() && parseServerTiming(metrics, method, endpoint).count >= count) {
      break;
    }
    pause(loop, 500);
  }
  return std::chrono::duration<double>(SteadyClock::now() - t0).count();
}

Report runVersions(HttpLoop& loop, const Target& t, const Args& a) {
  const size_t n = a.count("conns", 64);
  const double seconds = a.num("seconds", 5);
  const auto conns = openConnections(loop, n);
  auto make = [](size_t, uint64_t) { return api::versions(); };
  runTimed(loop, conns, a.num("warmup", 1), make);  // connects, warms caches
  PhaseClock clock = t.clock();
  clock.start();
  const TimedResult r = runTimed(loop, conns, seconds, make);
  clock.stop();
  Report rep("versions");
  rep.num("conns", static_cast<double>(n));
  rep.num("requests_per_s", static_cast<double>(r.ok) / clock.seconds());
  rep.num("errors", static_cast<double>(r.errors));
  rep.latencies("latency", r.latency);
  rep.phase("run", clock);
  return rep;
}

Report runIdle(HttpLoop& loop, const Target& t, const Args& a) {
  const size_t users = a.count("users", 100);
  Report rep("idle");
  rep.num("rss_start_bytes", static_cast<double>(residentBytes(t.server_pid)));
  const auto conns = openConnections(loop, a.count("conns", 4));
  registerUsers(loop, conns, a.str("prefix", "idle"), users);
  pause(loop, a.num("settle_ms", 1000));  // let the pool threads go quiet
  rep.num("users", static_cast<double>(users));
  rep.num("rss_after_users_bytes", static_cast<double>(residentBytes(t.server_pid)));
  rep.num("rss_anon_bytes", static_cast<double>(statusBytes(t.server_pid, "RssAnon")));
  rep.num("rss_file_bytes", static_cast<double>(statusBytes(t.server_pid, "RssFile")));
  return rep;
}

Report runSend(HttpLoop& loop, const Target& t, const Args& a) {
  const size_t senders = a.count("senders", 64);
  const size_t content_bytes = a.count("content_bytes", 200);
  const auto seed_conns = openConnections(loop, a.count("seed_conns", 16));
  progress("send", "seeding " + std::to_string(senders) + " users and rooms");
  const auto users = registerUsers(loop, seed_conns, "send", senders);
  const auto rooms = createRooms(loop, seed_conns, users);
  const auto conns = openConnections(loop, senders);
  auto make = [&](size_t slot, uint64_t seq) {
    return api::sendText(users[slot], rooms[slot], numbered("s", seq), "send", content_bytes);
  };
  runTimed(loop, conns, a.num("warmup", 2), make);
  progress("send", "measuring");
  PhaseClock clock = t.clock();
  clock.start();
  const TimedResult r = runTimed(loop, conns, a.num("seconds", 20), make);
  clock.stop();
  Report rep("send");
  rep.num("senders", static_cast<double>(senders));
  rep.num("rooms", static_cast<double>(rooms.size()));
  rep.num("content_bytes", static_cast<double>(content_bytes));
  rep.num("events_per_s", static_cast<double>(r.ok) / clock.seconds());
  rep.num("errors", static_cast<double>(r.errors));
  if (r.errors > 0) {
    rep.str("first_error", r.first_error);
  }
  rep.latencies("latency", r.latency);
  rep.phase("run", clock);
  rep.num("rss_bytes", static_cast<double>(residentBytes(t.server_pid)));
  return rep;
}

}  // namespace bench
