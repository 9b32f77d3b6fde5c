// State storage: members join one room one at a time; at checkpoints the database's total
// relation size is read (through a shell command given by bench/run.sh, so the generator
// itself never talks to PostgreSQL) and divided by the room's state events. Flat bytes per
// event means state storage grows linearly with the number of state events.
#include <rapidjson/document.h>

#include <cstdio>
#include <sstream>
#include <stdexcept>

#include "bench/loadgen/scenarios.h"

namespace bench {

namespace {
double dbSize(const std::string& cmd) {
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    throw std::runtime_error("cannot run " + cmd);
  }
  char buf[64] = {0};
  const bool read = std::fgets(buf, sizeof buf, p) != nullptr;
  const int rc = pclose(p);
  if (!read || rc != 0) {
    throw std::runtime_error("db size command failed: " + cmd);
  }
  return std::atof(buf);
}

std::vector<size_t> checkpointsFor(const std::string& list, size_t members) {
  std::vector<size_t> out;
  std::stringstream ss(list);
  for (std::string item; std::getline(ss, item, ',');) {
    const size_t n = std::stoul(item);
    if (n > 1 && n <= members) {
      out.push_back(n);
    }
  }
  if (out.empty() || out.back() != members) {
    out.push_back(members);
  }
  return out;
}
}  // namespace

Report runState(HttpLoop& loop, const Target& t, const Args& a) {
  const size_t members = std::max<size_t>(2, a.count("members", 10000));
  const std::string size_cmd = a.str("db_size_cmd", "");
  if (size_cmd.empty()) {
    throw std::invalid_argument("state needs --db_size_cmd");
  }
  const auto checkpoints = checkpointsFor(a.str("checkpoints", ""), members);
  const auto seed_conns = openConnections(loop, a.count("seed_conns", 32));
  progress("state", "registering " + std::to_string(members) + " users");
  const auto users = registerUsers(loop, seed_conns, "state", members);
  double prev_size = dbSize(size_cmd);
  const double size0 = prev_size;
  const std::string room = createRooms(loop, seed_conns, {users[0]})[0];
  int initial_state = -1;
  runTasks(
      loop, {seed_conns[0]}, 1,
      [&](size_t) {
        return HttpRequest{"GET", "/_matrix/client/v3/rooms/" + urlEncode(room) + "/state",
                           users[0].token, ""};
      },
      [&](size_t, HttpResponse& res) {
        rapidjson::Document d;
        d.Parse(res.body.c_str(), res.body.size());
        initial_state = !d.HasParseError() && d.IsArray() ? static_cast<int>(d.Size()) : -1;
      });
  if (initial_state < 1) {
    throw std::runtime_error("GET /state of the new room did not answer an array of events");
  }
  Report rep("state");
  rep.num("members", static_cast<double>(members));
  rep.num("initial_state_events", initial_state);
  size_t joined = 1;  // the creator
  double prev_events = initial_state;
  double first_segment = 0, last_segment = 0;
  int cp_index = 0;
  for (const size_t cp : checkpoints) {
    progress("state", "joining up to " + std::to_string(cp) + " members");
    Latencies lat;
    const size_t from = joined;
    runTasks(
        loop, {seed_conns[0]}, cp - from,
        [&](size_t i) { return api::join(users[from + i], room); },
        [&](size_t, HttpResponse& res) { lat.add(res.latency_ms); });
    joined = cp;
    const double size = dbSize(size_cmd);
    const double state_events = initial_state + static_cast<double>(joined - 1);
    const double segment = (size - prev_size) / (state_events - prev_events);
    if (cp_index == 0) {
      first_segment = segment;
    }
    last_segment = segment;
    const std::string key = numbered("cp", cp_index++);
    rep.num(key + "_members", static_cast<double>(cp));
    rep.num(key + "_bytes_per_state_event", (size - size0) / state_events);
    rep.num(key + "_segment_bytes_per_state_event", segment);
    rep.num(key + "_join_p50_ms", lat.percentile(50));
    rep.num(key + "_join_p99_ms", lat.percentile(99));
    prev_size = size;
    prev_events = state_events;
  }
  rep.num("checkpoints", cp_index);
  rep.num("db_bytes_total", prev_size - size0);
  rep.num("state_events", prev_events);
  rep.num("bytes_per_state_event", (prev_size - size0) / prev_events);
  rep.num("growth_last_over_first_segment", first_segment > 0 ? last_segment / first_segment : 0);
  rep.num("rss_bytes", static_cast<double>(residentBytes(t.server_pid)));
  return rep;
}

}  // namespace bench
