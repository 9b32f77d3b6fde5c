#pragma once
// One function per scenario. Each seeds what it needs through the client API, runs its
// timed phases and returns the figures; main() prints them as one JSON line.
#include "bench/loadgen/report.h"

namespace bench {

// GET /_matrix/client/versions in a closed loop: the HTTP stack's ceiling.
Report runVersions(HttpLoop& loop, const Target& t, const Args& a);
// Server RSS after start and after registering users.
Report runIdle(HttpLoop& loop, const Target& t, const Args& a);
// Concurrent senders, one room each.
Report runSend(HttpLoop& loop, const Target& t, const Args& a);
// Send-to-delivery latency to parked /sync long-polls.
Report runFanout(HttpLoop& loop, const Target& t, const Args& a);
// Initial sync of users in many big rooms, then incremental sync after one new event.
Report runSync(HttpLoop& loop, const Target& t, const Args& a);
// /messages pages deep in a long room history.
Report runHistory(HttpLoop& loop, const Target& t, const Args& a);
// Database bytes per state event while members join one room one by one.
Report runState(HttpLoop& loop, const Target& t, const Args& a);

// Waits `ms` milliseconds while serving the loop (in-flight requests keep progressing).
void pause(HttpLoop& loop, double ms);
// Waits until the server's /metrics has counted `count` requests of `method` `endpoint`
// (requests a client gave up on still finish in the server) and returns the seconds that
// took; `loop` keeps serving meanwhile.
double waitServerCount(HttpLoop& loop, const Target& t, const std::string& method,
                       const std::string& endpoint, double count);

}  // namespace bench
