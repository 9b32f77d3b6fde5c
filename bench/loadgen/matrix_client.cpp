#include "bench/loadgen/matrix_client.h"

#include <rapidjson/document.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace bench {

std::string numbered(const std::string& prefix, uint64_t n) {
  std::string out = prefix;
  return out.append(std::to_string(n));
}

std::vector<int> openConnections(HttpLoop& loop, size_t n) {
  std::vector<int> conns;
  for (size_t i = 0; i < n; ++i) {
    conns.push_back(loop.addConnection());
  }
  return conns;
}

std::string describe(const HttpRequest& req, const HttpResponse& res) {
  std::string what = req.method + " " + req.path.substr(0, 120) + ": ";
  what += res.status == 0 ? res.error : std::to_string(res.status) + " " + res.body.substr(0, 300);
  return what;
}

void runTasks(HttpLoop& loop, const std::vector<int>& conns, size_t n,
              const std::function<HttpRequest(size_t)>& make,
              const std::function<void(size_t, HttpResponse&)>& done, ErrorPolicy policy) {
  size_t next = 0;
  std::string failure;
  // Each connection's loop body: take a task, send it, and on the answer take the next.
  std::function<void(int)> pump = [&](int conn) {
    if (next >= n || !failure.empty()) {
      return;
    }
    const size_t task = next++;
    auto req = std::make_shared<HttpRequest>(make(task));
    loop.send(conn, *req, [&, conn, task, req](HttpResponse& res) {
      if ((res.status < 200 || res.status >= 300) && policy == ErrorPolicy::kThrow) {
        failure = describe(*req, res);
        return;
      }
      done(task, res);
      pump(conn);
    });
  };
  for (int c : conns) {
    pump(c);
  }
  loop.run();
  if (!failure.empty()) {
    throw std::runtime_error("seeding request failed: " + failure);
  }
}

TimedResult runTimed(HttpLoop& loop, const std::vector<int>& conns, double seconds,
                     const std::function<HttpRequest(size_t, uint64_t)>& make) {
  TimedResult out;
  const auto deadline =
      SteadyClock::now() + std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6));
  static uint64_t seq = 0;  // unique across calls: warm-up and measured sends share txn ids
  std::function<void(size_t)> pump = [&](size_t slot) {
    if (SteadyClock::now() >= deadline) {
      return;
    }
    auto req = std::make_shared<HttpRequest>(make(slot, seq++));
    loop.send(conns[slot], *req, [&, slot, req](HttpResponse& res) {
      if (SteadyClock::now() > deadline) {
        return;  // finished after the deadline: outside the measured window
      }
      if (res.status >= 200 && res.status < 300) {
        ++out.ok;
        out.latency.add(res.latency_ms);
      } else {
        if (out.errors++ == 0) {
          out.first_error = describe(*req, res);
        }
      }
      pump(slot);
    });
  };
  for (size_t i = 0; i < conns.size(); ++i) {
    pump(i);
  }
  loop.run();
  return out;
}

namespace api {

std::string syncFilter(int timeline_limit) {
  return urlEncode(R"({"room":{"timeline":{"limit":)" + std::to_string(timeline_limit) +
                   R"(},"state":{"lazy_load_members":true}}})");
}

HttpRequest registerUser(const std::string& localpart) {
  return {"POST", "/_matrix/client/v3/register", "",
          R"({"username":")" + localpart + R"(","password":")" + kPassword +
              R"(","auth":{"type":"m.login.dummy"}})"};
}

HttpRequest createPublicRoom(const User& u) {
  return {"POST", "/_matrix/client/v3/createRoom", u.token, R"({"preset":"public_chat"})"};
}

HttpRequest join(const User& u, const std::string& room_id) {
  return {"POST", "/_matrix/client/v3/rooms/" + urlEncode(room_id) + "/join", u.token, "{}"};
}

HttpRequest sendText(const User& u, const std::string& room_id, const std::string& txn_id,
                     const std::string& marker, size_t content_bytes) {
  const std::string head = R"({"msgtype":"m.text","body":")" + marker + " ";
  const std::string tail = "\"}";
  std::string content = head;
  if (content_bytes > head.size() + tail.size()) {
    content.append(content_bytes - head.size() - tail.size(), 'x');
  }
  content += tail;
  return {"PUT",
          "/_matrix/client/v3/rooms/" + urlEncode(room_id) + "/send/m.room.message/" + txn_id,
          u.token, std::move(content)};
}

HttpRequest sync(const User& u, const std::string& since, int timeout_ms,
                 const std::string& filter) {
  std::string path = "/_matrix/client/v3/sync?timeout=" + std::to_string(timeout_ms);
  if (!since.empty()) {
    path += "&since=" + urlEncode(since);
  }
  if (!filter.empty()) {
    path += "&filter=" + filter;
  }
  return {"GET", std::move(path), u.token, ""};
}

HttpRequest messages(const User& u, const std::string& room_id, const std::string& from,
                     int limit) {
  return {"GET",
          "/_matrix/client/v3/rooms/" + urlEncode(room_id) +
              "/messages?dir=b&limit=" + std::to_string(limit) + "&from=" + urlEncode(from),
          u.token, ""};
}

HttpRequest context(const User& u, const std::string& room_id, const std::string& event_id) {
  return {"GET",
          "/_matrix/client/v3/rooms/" + urlEncode(room_id) + "/context/" + urlEncode(event_id) +
              "?limit=1",
          u.token, ""};
}

HttpRequest versions() { return {"GET", "/_matrix/client/versions", "", ""}; }

}  // namespace api

std::optional<std::string> jsonString(const std::string& body, const char* key) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError() || !d.IsObject()) {
    return std::nullopt;
  }
  const auto it = d.FindMember(key);
  if (it == d.MemberEnd() || !it->value.IsString()) {
    return std::nullopt;
  }
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::optional<std::string> fastJsonString(const std::string& body, const char* key) {
  const std::string needle = std::string("\"") + key + "\":\"";
  const size_t at = body.find(needle);
  if (at != std::string::npos) {
    const size_t start = at + needle.size();
    const size_t end = body.find('"', start);
    if (end != std::string::npos && body.find('\\', start) > end) {
      return body.substr(start, end - start);
    }
  }
  return jsonString(body, key);
}

int jsonArraySize(const std::string& body, const char* key) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError() || !d.IsObject()) {
    return -1;
  }
  const auto it = d.FindMember(key);
  return it == d.MemberEnd() || !it->value.IsArray() ? -1 : static_cast<int>(it->value.Size());
}

int syncJoinedRoomCount(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("rooms") || !d["rooms"].IsObject()) {
    return -1;
  }
  const auto& rooms = d["rooms"];
  const auto join = rooms.FindMember("join");
  return join == rooms.MemberEnd() || !join->value.IsObject()
             ? -1
             : static_cast<int>(join->value.MemberCount());
}

std::vector<User> registerUsers(HttpLoop& loop, const std::vector<int>& conns,
                                const std::string& prefix, size_t n) {
  std::vector<User> users(n);
  // The process id keeps names unique when scenarios are re-run against the same server.
  const std::string base = numbered(prefix, static_cast<uint64_t>(getpid())) + "_";
  runTasks(
      loop, conns, n, [&](size_t i) { return api::registerUser(numbered(base, i)); },
      [&](size_t i, HttpResponse& res) {
        users[i].user_id = jsonString(res.body, "user_id").value_or("");
        users[i].token = jsonString(res.body, "access_token").value_or("");
        if (users[i].token.empty()) {
          throw std::runtime_error("register answered without an access token: " + res.body);
        }
      });
  return users;
}

namespace {
constexpr size_t kCreateRoomConcurrency = 4;  // below half the default pool of 10
}  // namespace

std::vector<std::string> createRooms(HttpLoop& loop, const std::vector<int>& conns,
                                     const std::vector<User>& creators) {
  std::vector<std::string> rooms(creators.size());
  // At most kCreateRoomConcurrency at once: the server's createRoom looks up the creator's
  // profile on a second pooled connection while its room writer holds the first, so as many
  // concurrent createRooms as the pool has connections deadlock until the pool's acquire
  // timeout (10 s) and fail with 500 "database pool exhausted".
  // The first room is created alone: two transactions interning the same new state key
  // (m.room.create, ...) at once make the loser's insert-or-select return no row (a 500).
  const std::vector<int> few(conns.begin(),
                             conns.begin() + std::min(conns.size(), kCreateRoomConcurrency));
  auto make = [&](size_t i) { return api::createPublicRoom(creators[i]); };
  auto done = [&](size_t i, HttpResponse& res) {
    rooms[i] = jsonString(res.body, "room_id").value_or("");
    if (rooms[i].empty()) {
      throw std::runtime_error("createRoom answered without a room_id: " + res.body);
    }
  };
  runTasks(loop, {conns[0]}, std::min<size_t>(1, creators.size()), make, done);
  if (creators.size() > 1) {
    runTasks(
        loop, few, creators.size() - 1, [&](size_t i) { return make(i + 1); },
        [&](size_t i, HttpResponse& res) { done(i + 1, res); });
  }
  return rooms;
}

std::vector<std::pair<const User*, std::string>> diagonalPairs(
    const std::vector<User>& users, const std::vector<std::string>& rooms,
    const std::vector<size_t>& creator_of_room) {
  std::vector<std::pair<const User*, std::string>> pairs;
  const size_t rounds = std::max(users.size(), rooms.size());
  for (size_t k = 0; k < rounds; ++k) {
    for (size_t u = 0; u < users.size(); ++u) {
      const size_t r = (u + k) % rounds;
      if (r < rooms.size() && creator_of_room[r] != u) {
        pairs.emplace_back(&users[u], rooms[r]);
      }
    }
  }
  return pairs;
}

void joinRooms(HttpLoop& loop, const std::vector<int>& conns,
               const std::vector<std::pair<const User*, std::string>>& pairs) {
  runTasks(
      loop, conns, pairs.size(),
      [&](size_t i) { return api::join(*pairs[i].first, pairs[i].second); },
      [](size_t, HttpResponse&) {});
}

}  // namespace bench
