// Fan-out: every member of every room has a /sync long-poll parked; one member sends, and
// the latency from issuing the send to each member's /sync answer carrying the event is
// recorded. Sends go one at a time, each after the previous one reached every member.
#include "bench/loadgen/scenarios.h"

namespace bench {

namespace {
struct FanoutState {
  size_t rooms = 0;
  size_t members = 0;
  size_t sends = 0;
  int poll_timeout_ms = 30000;
  double deliver_timeout_ms = 10000;
  double gap_ms = 50;
  std::string filter;
  std::vector<User> users;  // member m of room r is users[r * members + m]
  std::vector<std::string> room_ids;
  std::vector<std::string> since;
  std::vector<int> conns;
  int sender_conn = -1;
  // The send being delivered.
  size_t current = 0;
  std::string marker;
  SteadyClock::time_point t0;
  size_t delivered = 0;
  bool active = false;
  bool finished = false;
  // Results.
  Latencies delivery, last_delivery, send_latency;
  size_t lost = 0, sync_errors = 0, send_errors = 0;
};

void startSend(HttpLoop& loop, FanoutState& s);

void sendDone(HttpLoop& loop, FanoutState& s, size_t k) {
  if (!s.active || s.current != k) {
    return;  // already finished or given up
  }
  s.active = false;
  if (s.delivered < s.members) {
    s.lost += s.members - s.delivered;
  }
  if (++s.current >= s.sends) {
    s.finished = true;
    loop.stop();
    return;
  }
  loop.after(s.gap_ms, [&loop, &s] { startSend(loop, s); });
}

void park(HttpLoop& loop, FanoutState& s, size_t i) {
  const HttpRequest req = api::sync(s.users[i], s.since[i], s.poll_timeout_ms, s.filter);
  loop.send(s.conns[i], req, [&loop, &s, i](HttpResponse& res) {
    if (res.status != 200) {
      ++s.sync_errors;
      loop.after(100, [&loop, &s, i] { park(loop, s, i); });
      return;
    }
    if (auto next = fastJsonString(res.body, "next_batch")) {
      s.since[i] = std::move(*next);
    }
    if (s.active && i / s.members == s.current % s.rooms &&
        res.body.find(s.marker) != std::string::npos) {
      const double ms =
          std::chrono::duration<double, std::milli>(SteadyClock::now() - s.t0).count();
      s.delivery.add(ms);
      if (++s.delivered == s.members) {
        s.last_delivery.add(ms);
        sendDone(loop, s, s.current);
      }
    }
    if (!s.finished) {
      park(loop, s, i);
    }
  });
}

void startSend(HttpLoop& loop, FanoutState& s) {
  const size_t k = s.current;
  const size_t room = k % s.rooms;
  s.marker = numbered("fanout-", k) + "-marker";
  s.delivered = 0;
  s.active = true;
  s.t0 = SteadyClock::now();
  const User& sender = s.users[room * s.members];
  loop.send(s.sender_conn, api::sendText(sender, s.room_ids[room], numbered("f", k), s.marker, 200),
            [&s](HttpResponse& res) {
              if (res.status == 200) {
                s.send_latency.add(res.latency_ms);
              } else {
                ++s.send_errors;
              }
            });
  loop.after(s.deliver_timeout_ms, [&loop, &s, k] { sendDone(loop, s, k); });
}

void seed(HttpLoop& loop, FanoutState& s, const std::vector<int>& seed_conns) {
  const size_t n = s.rooms * s.members;
  progress("fanout", "registering " + std::to_string(n) + " users");
  s.users = registerUsers(loop, seed_conns, "fan", n);
  std::vector<User> creators;
  for (size_t r = 0; r < s.rooms; ++r) {
    creators.push_back(s.users[r * s.members]);
  }
  s.room_ids = createRooms(loop, seed_conns, creators);
  std::vector<std::pair<const User*, std::string>> pairs;
  for (size_t m = 1; m < s.members; ++m) {
    for (size_t r = 0; r < s.rooms; ++r) {
      pairs.emplace_back(&s.users[r * s.members + m], s.room_ids[r]);
    }
  }
  progress("fanout", "joining " + std::to_string(pairs.size()) + " members");
  joinRooms(loop, seed_conns, pairs);
  s.since.assign(n, "");
  runTasks(
      loop, seed_conns, n, [&](size_t i) { return api::sync(s.users[i], "", 0, s.filter); },
      [&](size_t i, HttpResponse& res) {
        s.since[i] = fastJsonString(res.body, "next_batch").value_or("");
      });
}
}  // namespace

Report runFanout(HttpLoop& loop, const Target& t, const Args& a) {
  FanoutState s;
  s.rooms = a.count("rooms", 10);
  s.members = a.count("members", 100);
  s.sends = a.count("sends", 50);
  s.gap_ms = a.num("gap_ms", 50);
  s.filter = api::syncFilter(1);
  seed(loop, s, openConnections(loop, a.count("seed_conns", 32)));
  const size_t n = s.users.size();
  s.conns = openConnections(loop, n);
  s.sender_conn = loop.addConnection();
  Report rep("fanout");
  rep.num("rss_before_park_bytes", static_cast<double>(residentBytes(t.server_pid)));
  for (size_t i = 0; i < n; ++i) {
    park(loop, s, i);
  }
  pause(loop, a.num("settle_ms", 1500));  // every long-poll reaches the notifier
  rep.num("rss_parked_bytes", static_cast<double>(residentBytes(t.server_pid)));
  rep.num("rss_parked_anon_bytes", static_cast<double>(statusBytes(t.server_pid, "RssAnon")));
  progress("fanout", std::to_string(n) + " long-polls parked; sending " + std::to_string(s.sends));
  PhaseClock clock = t.clock();
  clock.start();
  startSend(loop, s);
  while (!s.finished) {
    loop.run();
  }
  clock.stop();
  rep.num("rss_parked_end_bytes", static_cast<double>(residentBytes(t.server_pid)));
  rep.num("rooms", static_cast<double>(s.rooms));
  rep.num("members", static_cast<double>(s.members));
  rep.num("parked", static_cast<double>(n));
  rep.num("sends", static_cast<double>(s.sends));
  rep.latencies("delivery", s.delivery);
  rep.latencies("last_delivery", s.last_delivery);
  rep.latencies("send", s.send_latency);
  rep.num("lost_deliveries", static_cast<double>(s.lost));
  rep.num("sync_errors", static_cast<double>(s.sync_errors));
  rep.num("send_errors", static_cast<double>(s.send_errors));
  rep.phase("run", clock);
  return rep;
}

}  // namespace bench
