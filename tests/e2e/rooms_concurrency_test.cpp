// Concurrent requests on rooms over real HTTP: the room lock keeps sends, retries and
// duplicate reactions consistent, and concurrent creations never fail with a 500.
#include <gtest/gtest.h>

#include <future>
#include <pqxx/pqxx>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

class RoomConcurrency : public RoomSuite<RoomConcurrency> {
 protected:
  // Runs `fn(i)` on `n` threads at once and returns the results in order.
  template <class Fn>
  static std::vector<HttpResult> parallel(int n, Fn fn) {
    std::vector<std::future<HttpResult>> futures;
    for (int i = 0; i < n; ++i) {
      futures.push_back(std::async(std::launch::async, fn, i));
    }
    std::vector<HttpResult> out;
    for (auto& f : futures) {
      out.push_back(f.get());
    }
    return out;
  }
};

TEST_F(RoomConcurrency, ParallelSendsAreAllKeptInOrder) {
  const User a = newUser("par");
  const std::string room = createRoom(a);
  const auto results = parallel(6, [&](int i) {
    return sendEvent(a, room, "m.room.message", R"({"msgtype":"m.text","body":"p"})", "par-" + std::to_string(i));
  });
  std::set<std::string> ids;
  for (const auto& r : results) {
    ASSERT_EQ(r.status, 200) << r.body;
    ids.insert(str(r.json(), "event_id"));
  }
  EXPECT_EQ(ids.size(), 6u);
  const auto page = messages(a, room, "dir=b&limit=6").json();
  const auto listed = eventIds(page["chunk"]);
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()), ids);
}

// Each event's prev_events must be exactly the event appended before it: a sender that
// waited for the room lock must still see the previous sender's event as the extremity.
// (Identical bodies in one millisecond would otherwise even collide on the event id.)
TEST_F(RoomConcurrency, ParallelSendsFormOneChain) {
  const User a = newUser("chain");
  const std::string room = createRoom(a);
  const auto results = parallel(12, [&](int i) {
    return sendEvent(a, room, "m.room.message", R"({"msgtype":"m.text","body":"same"})", "chain-" + std::to_string(i));
  });
  for (const auto& r : results) {
    ASSERT_EQ(r.status, 200) << r.body;
  }
  pqxx::connection conn(s().config().database.url);
  pqxx::nontransaction tx(conn);
  std::string previous;
  int checked = 0;
  for (const auto& row : tx.exec_params(
           "SELECT event_id, (pdu_json::json -> 'prev_events')::text FROM events WHERE room_id = $1 "
           "ORDER BY stream_pos", room)) {
    if (!previous.empty()) {
      EXPECT_EQ(row[1].as<std::string>(), "[\"" + previous + "\"]") << "event " << checked;
    }
    previous = row[0].as<std::string>();
    ++checked;
  }
  EXPECT_GE(checked, 12);
  EXPECT_EQ(tx.exec_params1("SELECT count(*) FROM room_extremities WHERE room_id = $1", room)[0].as<int>(), 1);
}

TEST_F(RoomConcurrency, ParallelRetriesOfOneTransactionMakeOneEvent) {
  const User a = newUser("retry");
  const std::string room = createRoom(a);
  const auto results = parallel(6, [&](int) {
    return sendEvent(a, room, "m.room.message", R"({"msgtype":"m.text","body":"once"})", "the-txn");
  });
  std::set<std::string> ids;
  for (const auto& r : results) {
    ASSERT_EQ(r.status, 200) << r.body;
    ids.insert(str(r.json(), "event_id"));
  }
  EXPECT_EQ(ids.size(), 1u);
}

TEST_F(RoomConcurrency, ParallelDuplicateReactionsKeepOne) {
  const User a = newUser("dupr");
  const std::string room = createRoom(a);
  const std::string target = send(a, room, "react");
  const std::string body = R"({"m.relates_to":{"rel_type":"m.annotation","event_id":")" + target + R"(","key":"+1"}})";
  const auto results = parallel(6, [&](int) { return sendEvent(a, room, "m.reaction", body); });
  int ok = 0;
  for (const auto& r : results) {
    if (r.status == 200) {
      ++ok;
    } else {
      EXPECT_MATRIX_ERROR(r, 400, "M_DUPLICATE_ANNOTATION");
    }
  }
  EXPECT_EQ(ok, 1);
  // Duplicates are found for targets this server does not know too.
  const std::string unknown = R"({"m.relates_to":{"rel_type":"m.annotation","event_id":"$elsewhere","key":"k"}})";
  ASSERT_EQ(sendEvent(a, room, "m.reaction", unknown).status, 200);
  EXPECT_MATRIX_ERROR(sendEvent(a, room, "m.reaction", unknown), 400, "M_DUPLICATE_ANNOTATION");
}

TEST_F(RoomConcurrency, ParallelCreationsWithOneAliasGiveOneRoom) {
  const User a = newUser("race");
  const auto results = parallel(4, [&](int) {
    return s().post(kV3 + "/createRoom", R"({"room_alias_name":"raced"})", a.token);
  });
  int ok = 0;
  std::string winner;
  for (const auto& r : results) {
    if (r.status == 200) {
      ++ok;
      winner = str(r.json(), "room_id");
    } else {
      EXPECT_MATRIX_ERROR(r, 400, "M_ROOM_IN_USE");
    }
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(str(s().get(kV3 + "/directory/room/" + enc("#raced:localhost")).json(), "room_id"), winner);
  EXPECT_EQ(s().get(kV3 + "/joined_rooms", a.token).json()["joined_rooms"].Size(), 1u);
}

TEST_F(RoomConcurrency, ANewUserJoiningManyRoomsAtOnce) {
  // Each join interns the same new (m.room.member, user) state key in parallel transactions.
  const User owner = newUser("many");
  std::vector<std::string> rooms;
  for (int i = 0; i < 5; ++i) {
    rooms.push_back(publicRoom(owner));
  }
  const User b = newUser("manyb");
  const auto results = parallel(5, [&](int i) { return join(b, rooms[static_cast<size_t>(i)]); });
  for (const auto& r : results) {
    EXPECT_EQ(r.status, 200) << r.body;
  }
  EXPECT_EQ(s().get(kV3 + "/joined_rooms", b.token).json()["joined_rooms"].Size(), 5u);
  // And a new user creating several rooms at once.
  const User c = newUser("manyc");
  for (const auto& r : parallel(4, [&](int) { return s().post(kV3 + "/createRoom", "{}", c.token); })) {
    EXPECT_EQ(r.status, 200) << r.body;
  }
}

}  // namespace
}  // namespace hs::test::rooms_e2e
