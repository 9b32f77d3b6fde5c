// PostgreSQL unreachable: requests get 503 with Retry-After (clients retry a 503 and give up on
// a 500), and the server recovers by itself once the database is back. The outage is made by
// refusing new connections to the test's database and ending the open ones.
#include <gtest/gtest.h>

#include <future>
#include <pqxx/pqxx>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

class DatabaseDown : public RoomSuite<DatabaseDown> {
 protected:
  static std::string databaseName() {
    const std::string& url = s().config().database.url;
    return url.substr(url.rfind('/') + 1);
  }
  static void setReachable(bool reachable) {
    pqxx::connection admin(adminUrl());
    pqxx::nontransaction tx(admin);
    const std::string name = databaseName();
    tx.exec("ALTER DATABASE " + name + " ALLOW_CONNECTIONS " + (reachable ? "true" : "false"));
    if (!reachable) {
      tx.exec_params("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name);
    }
  }
  static std::string adminUrl() {
    const std::string& url = s().config().database.url;
    return url.substr(0, url.rfind('/') + 1) + "postgres";
  }
};

TEST_F(DatabaseDown, RequestsGet503WithRetryAfterAndTheServerRecovers) {
  const User a = newUser("dbd");
  const std::string room = createRoom(a);
  setReachable(false);
  for (int i = 0; i < 12; ++i) {  // more than the pool's connections: each one is found dead
    const auto r = sendEvent(a, room, "m.room.message", R"({"body":"x"})");
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_EQ(errcodeOf(r), "M_UNKNOWN");
    EXPECT_TRUE(r.headers.count("retry-after")) << i;
  }
  const auto login = s().post(kV3 + "/login", R"({"type":"m.login.password","user":"x","password":"y"})");
  EXPECT_EQ(login.status, 503) << login.body;
  EXPECT_NE(login.body.find("database"), std::string::npos) << login.body;
  setReachable(true);
  const auto after = sendEvent(a, room, "m.room.message", R"({"body":"back"})");
  EXPECT_EQ(after.status, 200) << after.body;
  // Every pooled connection was replaced: a burst wider than the pool works.
  std::vector<std::future<HttpResult>> reads;
  for (int i = 0; i < 16; ++i) {
    reads.push_back(std::async(std::launch::async, [&] { return messages(a, room, "dir=b&limit=1"); }));
  }
  for (auto& f : reads) {
    EXPECT_EQ(f.get().status, 200);
  }
}

}  // namespace
}  // namespace hs::test::rooms_e2e
