#pragma once
// The Matrix client API as the load generator uses it: request builders, the few response
// fields it reads, and the two ways of driving a connection set (a list of tasks, or a
// closed loop until a deadline). Everything goes over HTTP; nothing touches the database.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bench/loadgen/http_loop.h"
#include "bench/loadgen/stats.h"

namespace bench {

struct User {
  std::string user_id;
  std::string token;
};

// prefix + n, for transaction ids, markers and report keys. (Spelled out because g++ 12
// warns falsely, -Wrestrict, on "literal" + std::string.)
std::string numbered(const std::string& prefix, uint64_t n);

// A set of keep-alive connections of one loop.
std::vector<int> openConnections(HttpLoop& loop, size_t n);

// kThrow: a transport error or non-2xx answer throws, naming the request (seeding must not
// silently produce a smaller data set). kReport: every answer goes to `done`, which counts
// errors (measured phases report them beside the figures).
enum class ErrorPolicy { kThrow, kReport };

// Runs tasks 0..n-1; each idle connection takes the next task, so `conns.size()` requests
// are in flight at once.
void runTasks(HttpLoop& loop, const std::vector<int>& conns, size_t n,
              const std::function<HttpRequest(size_t)>& make,
              const std::function<void(size_t, HttpResponse&)>& done,
              ErrorPolicy policy = ErrorPolicy::kThrow);
// "METHOD path: status body" (or the transport error), for error reports.
std::string describe(const HttpRequest& req, const HttpResponse& res);

struct TimedResult {
  Latencies latency;  // successful requests only
  size_t ok = 0;
  size_t errors = 0;
  std::string first_error;
};
// Closed loop: every connection sends make(conn_slot, seq) back to back until `seconds`
// have passed; requests still in flight at the deadline are awaited but not counted. `seq`
// is unique within the process, so it can serve as a transaction id.
TimedResult runTimed(HttpLoop& loop, const std::vector<int>& conns, double seconds,
                     const std::function<HttpRequest(size_t slot, uint64_t seq)>& make);

namespace api {
constexpr const char* kPassword = "bench-password-1";
// A lazy-loading filter with the given timeline limit, URL-encoded for ?filter=.
std::string syncFilter(int timeline_limit);
HttpRequest registerUser(const std::string& localpart);
HttpRequest createPublicRoom(const User& u);
HttpRequest join(const User& u, const std::string& room_id);
// m.room.message of type m.text whose JSON content is exactly `content_bytes` long and
// whose body starts with `marker` (so a /sync response can be matched to its send).
HttpRequest sendText(const User& u, const std::string& room_id, const std::string& txn_id,
                     const std::string& marker, size_t content_bytes);
HttpRequest sync(const User& u, const std::string& since, int timeout_ms,
                 const std::string& filter);
HttpRequest messages(const User& u, const std::string& room_id, const std::string& from, int limit);
HttpRequest context(const User& u, const std::string& room_id, const std::string& event_id);
HttpRequest versions();
}  // namespace api

// The top-level string field `key` of a JSON object, or nullopt.
std::optional<std::string> jsonString(const std::string& body, const char* key);
// Like jsonString but first tries a plain scan for "key":"...", which is enough for the
// server's compact output and avoids parsing a large /sync body on the hot path.
std::optional<std::string> fastJsonString(const std::string& body, const char* key);
// Number of elements of the top-level array `key`; -1 if absent.
int jsonArraySize(const std::string& body, const char* key);
// Number of rooms under rooms.join of a /sync body; -1 if absent.
int syncJoinedRoomCount(const std::string& body);

// Seeding through the API. Users are registered `<prefix><pid>_0`, `<prefix><pid>_1`, ...
std::vector<User> registerUsers(HttpLoop& loop, const std::vector<int>& conns,
                                const std::string& prefix, size_t n);
// One public room per creator; the creator is its first member. Consecutive creators
// must differ (see joinRooms).
std::vector<std::string> createRooms(HttpLoop& loop, const std::vector<int>& conns,
                                     const std::vector<User>& creators);
// Joins every (user, room) pair, in the given order, `conns.size()` at a time. Callers order
// the pairs so that concurrent joins go to different rooms (joins to one room are
// serialized by its lock) and come from different users: a user's first join interns the
// state key (m.room.member, user), and two concurrent first joins of one user race in the
// server (the loser gets a 500).
// The diagonal order over users x rooms that gives both: round k joins user u to room
// (u + k) % rooms.
std::vector<std::pair<const User*, std::string>> diagonalPairs(
    const std::vector<User>& users, const std::vector<std::string>& rooms,
    const std::vector<size_t>& creator_of_room);
void joinRooms(HttpLoop& loop, const std::vector<int>& conns,
               const std::vector<std::pair<const User*, std::string>>& pairs);

}  // namespace bench
