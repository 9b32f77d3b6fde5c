// The user data services against a real PostgreSQL, as /sync will call them: stream positions,
// changedSince ranges, the synthesized m.push_rules event, wake-ups and stored filter lookups.
#include <gtest/gtest.h>

#include <atomic>

#include "db/migrations.h"
#include "db/pg_account_data_store.h"
#include "db/pg_account_store.h"
#include "db/pg_filter_store.h"
#include "db/pg_presence_store.h"
#include "db/pg_push_rule_store.h"
#include "db/pool.h"
#include "homeserver/core/clock.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/account_data/account_data_service.h"
#include "homeserver/services/filters/filter_service.h"
#include "homeserver/services/presence/presence_service.h"
#include "homeserver/services/push_rules/push_rule_service.h"
#include "tests/support/test_server.h"

namespace hs::db {
namespace {

using account_data::AccountDataEvent;

const std::string kAlice = "@alice:localhost";
const std::string kBob = "@bob:localhost";

// Everything the services need, on a fresh database with two users.
struct Fixture {
  test::TestDatabase database;
  Pool pool{database.url(), 4};
  streams::StreamTracker stream{0};
  streams::Notifier notifier;
  core::ManualClock clock{1'000'000};
  PgAccountStore accounts{pool};
  PgPushRuleStore push_store{pool};
  PgAccountDataStore data_store{pool};
  PgFilterStore filter_store{pool};
  PgPresenceStore presence_store{pool};
  push_rules::PushRuleService push{push_store, stream, notifier};
  account_data::AccountDataService data{data_store, push, stream, notifier};
  filters::FilterService filters{filter_store};
  presence::PresenceService presence{presence_store, accounts, clock, stream, notifier, "localhost"};

  Fixture() {
    applyMigrations(pool, embeddedMigrations());
    for (const auto& user : {kAlice, kBob}) {
      accounts.createUser(accounts::UserRecord{user, std::nullopt, std::nullopt, std::nullopt, false},
                          std::nullopt, 0);
    }
    // One unrelated write first, as on any server that has run a while: a `since` of 0 means
    // an initial sync, which always gets m.push_rules.
    presence.touch(kBob, "online");
  }
};

std::vector<std::string> keys(const std::vector<AccountDataEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) {
    out.push_back((e.room_id.empty() ? "" : e.room_id + "/") + e.type);
  }
  return out;
}

TEST(AccountDataStream, InitialSyncHasEverythingAndPushRules) {
  Fixture f;
  f.data.set(kAlice, "", "m.direct", R"({"@bob:localhost":["!dm:localhost"]})");
  f.data.set(kAlice, "!r:localhost", "m.fully_read", R"({"event_id":"$e"})");
  f.data.set(kBob, "", "m.direct", "{}");
  const auto events = f.data.changedSince(kAlice, 0, f.stream.safePosition());
  EXPECT_EQ(keys(events), (std::vector<std::string>{"m.direct", "!r:localhost/m.fully_read", "m.push_rules"}));
  EXPECT_EQ(events[0].content, R"({"@bob:localhost":["!dm:localhost"]})");
  EXPECT_NE(events[2].content.find(R"("rule_id":".m.rule.master")"), std::string::npos);
}

TEST(AccountDataStream, IncrementalReturnsLatestValuePerKeyInRange) {
  Fixture f;
  f.data.set(kAlice, "", "a", R"({"v":1})");
  const int64_t after_a = f.stream.safePosition();
  f.data.set(kAlice, "", "b", R"({"v":1})");
  f.data.set(kAlice, "", "b", R"({"v":2})");
  const int64_t now = f.stream.safePosition();
  EXPECT_EQ(now, after_a + 2);  // every write took its own position
  const auto events = f.data.changedSince(kAlice, after_a, now);
  ASSERT_EQ(keys(events), (std::vector<std::string>{"b"}));  // no m.push_rules: unchanged
  EXPECT_EQ(events[0].content, R"({"v":2})");
  EXPECT_TRUE(f.data.changedSince(kAlice, now, now).empty());
  // A range that ends before the latest write does not see the key yet; the next one will.
  EXPECT_TRUE(f.data.changedSince(kAlice, after_a, after_a + 1).empty());
}

TEST(AccountDataStream, TagsAreRoomAccountData) {
  Fixture f;
  const auto alice = core::UserId::parse(kAlice);
  const int64_t before = f.stream.safePosition();
  f.data.putTag(alice, alice, "!r:localhost", "m.favourite", R"({"order":1})");
  const auto events = f.data.changedSince(kAlice, before, f.stream.safePosition());
  ASSERT_EQ(keys(events), (std::vector<std::string>{"!r:localhost/m.tag"}));
  EXPECT_EQ(events[0].content, R"({"tags":{"m.favourite":{"order":1}}})");
}

TEST(AccountDataStream, WritesWakeTheUsersParkedSync) {
  Fixture f;
  std::atomic<int> alice_woken{0}, bob_woken{0};
  std::atomic<int64_t> seen_position{-1};
  f.notifier.park(kAlice, std::chrono::seconds(30), [&](bool timed_out) {
    EXPECT_FALSE(timed_out);
    seen_position = f.stream.safePosition();  // what a woken /sync would read up to
    ++alice_woken;
  });
  f.notifier.park(kBob, std::chrono::seconds(30), [&](bool) { ++bob_woken; });
  f.data.set(kAlice, "", "x", "{}");
  EXPECT_EQ(alice_woken.load(), 1);
  EXPECT_EQ(bob_woken.load(), 0);
  EXPECT_EQ(f.data.changedSince(kAlice, seen_position - 1, seen_position).size(), 1u);
}

TEST(PushRulesStream, ChangesAppearAsAccountDataInTheirRange) {
  Fixture f;
  const int64_t before = f.stream.safePosition();
  std::atomic<int> woken{0};
  f.notifier.park(kAlice, std::chrono::seconds(30), [&](bool) { ++woken; });
  f.push.setEnabled(kAlice, push_rules::Kind::Override, ".m.rule.master", true);
  EXPECT_EQ(woken.load(), 1);
  const int64_t after = f.stream.safePosition();
  EXPECT_GT(after, before);
  const auto events = f.data.changedSince(kAlice, before, after);
  ASSERT_EQ(keys(events), (std::vector<std::string>{"m.push_rules"}));
  EXPECT_NE(events[0].content.find(R"({"rule_id":".m.rule.master","default":true,"enabled":true)"),
            std::string::npos);
  EXPECT_TRUE(f.data.changedSince(kAlice, after, after).empty());
  EXPECT_TRUE(f.data.changedSince(kBob, before, after).empty());
}

TEST(PushRulesStream, RefusedEditWritesNothing) {
  Fixture f;
  f.push.put(kAlice, push_rules::Kind::Room, "!a:x", {std::nullopt, std::nullopt, "[]"}, {}, {});
  const int64_t before = f.stream.safePosition();
  EXPECT_THROW(f.push.remove(kAlice, push_rules::Kind::Room, "!nope:x"), core::MatrixError);
  EXPECT_FALSE(f.push.changedBetween(kAlice, before, f.stream.safePosition()));
  EXPECT_EQ(f.push.rules(kAlice).of(push_rules::Kind::Room).size(), 1u);
}

TEST(PresenceStream, SyncTouchesWriteOnlyWhenSomethingChanges) {
  Fixture f;
  const int64_t start = f.stream.safePosition();
  f.presence.touch(kAlice, "online");
  const int64_t first = f.stream.safePosition();
  EXPECT_EQ(first, start + 1);
  f.clock.advance(10'000);
  f.presence.touch(kAlice, "online");  // still fresh: no new position
  f.presence.touch(kAlice, "offline");  // "offline" means "do not mark me online"
  EXPECT_EQ(f.stream.safePosition(), first);
  f.clock.advance(120'000);
  f.presence.touch(kAlice, "online");  // last_active is stale now
  EXPECT_EQ(f.stream.safePosition(), first + 1);
  f.presence.touch(kAlice, "unavailable");
  const auto changed = f.presence.changedSince(start, f.stream.safePosition());
  ASSERT_EQ(changed.size(), 1u);  // latest per user
  EXPECT_EQ(changed[0].state, "unavailable");
  EXPECT_EQ(changed[0].last_active_ts, 1'130'000);
}

TEST(PresenceStream, EventJsonIsWhatSyncSends) {
  Fixture f;
  const auto alice = core::UserId::parse(kAlice);
  const int64_t start = f.stream.safePosition();
  f.presence.set(alice, alice, "online", std::string("lunch"));
  f.clock.advance(1500);
  const auto changed = f.presence.changedSince(start, f.stream.safePosition());
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(f.presence.eventJson(changed[0]),
            R"({"type":"m.presence","sender":"@alice:localhost","content":{"presence":"online",)"
            R"("last_active_ago":1500,"status_msg":"lunch","currently_active":true}})");
}

TEST(FilterParam, InlineJsonOrStoredId) {
  Fixture f;
  const auto alice = core::UserId::parse(kAlice);
  const auto bob = core::UserId::parse(kBob);
  const std::string id = f.filters.create(alice, alice, R"({"room":{"timeline":{"limit":7}}})");
  EXPECT_EQ(f.filters.parseFilterParam(id, alice).room.timeline.limit, 7);
  EXPECT_EQ(f.filters.parseFilterParam(R"({"room":{"timeline":{"limit":3}}})", alice).room.timeline.limit, 3);
  auto code = [&](const std::string& param, const core::UserId& user) {
    try {
      f.filters.parseFilterParam(param, user);
    } catch (const core::MatrixError& e) {
      return std::string(e.errcode());
    }
    return std::string("no error");
  };
  EXPECT_EQ(code(id, bob), "M_INVALID_PARAM");  // ids are per user
  EXPECT_EQ(code("12345678", alice), "M_INVALID_PARAM");
  EXPECT_EQ(code("not-an-id", alice), "M_INVALID_PARAM");
  EXPECT_EQ(code("{bad", alice), "M_NOT_JSON");
  EXPECT_EQ(code(R"({"room":[]})", alice), "M_BAD_JSON");
}

}  // namespace
}  // namespace hs::db
