// The notification store against a real PostgreSQL.
#include "db/pg_notification_store.h"

#include <gtest/gtest.h>

#include "db/migrations.h"
#include "db/pool.h"
#include "tests/support/test_server.h"

namespace hs::db {
namespace {

// One event's rows go in as a JSON array through json_to_recordset, where a single \u0000
// (event content may hold NUL: events stored before clients were refused it, other servers'
// events) failed the whole insert and so dropped every recipient's notification.
TEST(PgNotificationStore, NulInEventTextDropsNoNotification) {
  test::TestDatabase database;
  Pool pool{database.url(), 2};
  applyMigrations(pool, embeddedMigrations());
  PgNotificationStore store{pool};
  std::vector<notifications::Notification> rows;
  for (const char* user : {"@a:localhost", "@b:localhost"}) {
    notifications::Notification n;
    n.user_id = user;
    n.type = "new_message";
    n.title = std::string("eve\0 wrote", 10);
    n.body = std::string("a\0b", 3);
    n.room_id = "!r:localhost";
    n.event_id = "$e";
    n.stream_pos = 7;
    n.thread_id = std::string("$t\0", 3);
    n.notify = true;
    n.created_at = 1;
    rows.push_back(n);
  }
  store.insert(rows);
  for (const char* user : {"@a:localhost", "@b:localhost"}) {
    const auto feed = store.feed(user, std::nullopt, 10, false);
    ASSERT_EQ(feed.size(), 1u) << user;
    EXPECT_EQ(feed[0].title, "eve wrote");
    EXPECT_EQ(feed[0].body, "ab");
    EXPECT_EQ(feed[0].thread_id, "$t");
    EXPECT_EQ(store.totalUnread(user), 1);
  }
}

}  // namespace
}  // namespace hs::db
