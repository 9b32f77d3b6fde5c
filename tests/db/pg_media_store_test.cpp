// The media store against a real PostgreSQL: reservations are filled exactly once even under
// concurrent uploads, links skip unknown media, and the schema guards ids and paths.
#include "db/pg_media_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <pqxx/pqxx>
#include <thread>

#include "db/migrations.h"
#include "tests/support/test_server.h"

namespace hs::db {
namespace {

using media::ContentInfo;
using media::FillResult;
using media::MediaKey;
using media::MediaRecord;

class PgMediaStoreTest : public ::testing::Test {
 protected:
  PgMediaStoreTest() : pool_(database_.url(), 8), store_(pool_) {
    applyMigrations(pool_, embeddedMigrations());
  }
  MediaRecord reservation(const std::string& id, int64_t expires) {
    MediaRecord r;
    r.key = MediaKey{"hs.test", id};
    r.uploader = "@alice:hs.test";
    r.created_at = 1000;
    r.unused_expires_at = expires;
    store_.insertReservation(r);
    return r;
  }
  static ContentInfo content() {
    return ContentInfo{"image/png", "image", "a.png", 3, std::string(64, 'a'), std::string(32, 'b')};
  }
  test::TestDatabase database_;
  Pool pool_;
  PgMediaStore store_;
};

TEST_F(PgMediaStoreTest, ReservationRulesLiveInTheUpdate) {
  reservation("Res1", 5000);
  EXPECT_EQ(store_.countPending("@alice:hs.test", 2000), 1);
  EXPECT_EQ(store_.fillReservation({"hs.test", "Nope"}, "@alice:hs.test", content(), 2000), FillResult::NotFound);
  EXPECT_EQ(store_.fillReservation({"hs.test", "Res1"}, "@bob:hs.test", content(), 2000), FillResult::NotOwner);
  EXPECT_EQ(store_.fillReservation({"hs.test", "Res1"}, "@alice:hs.test", content(), 6000), FillResult::Expired);
  EXPECT_EQ(store_.fillReservation({"hs.test", "Res1"}, "@alice:hs.test", content(), 2000), FillResult::Filled);
  EXPECT_EQ(store_.fillReservation({"hs.test", "Res1"}, "@alice:hs.test", content(), 2000),
            FillResult::AlreadyUploaded);
  EXPECT_EQ(store_.countPending("@alice:hs.test", 2000), 0);
  const auto row = store_.find({"hs.test", "Res1"});
  ASSERT_TRUE(row && row->content);
  EXPECT_EQ(row->content->upload_name, "a.png");
  EXPECT_FALSE(row->unused_expires_at.has_value());
}

TEST_F(PgMediaStoreTest, ConcurrentUploadsIntoOneIdFillItOnce) {
  reservation("Race", 1'000'000);
  std::atomic<int> filled{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      const auto r = store_.fillReservation({"hs.test", "Race"}, "@alice:hs.test", content(), 2000);
      if (r == FillResult::Filled) {
        ++filled;
      } else if (r == FillResult::AlreadyUploaded) {
        ++refused;
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(filled.load(), 1);
  EXPECT_EQ(refused.load(), 7);
}

TEST_F(PgMediaStoreTest, LinksSkipUnknownMediaAndRepeats) {
  MediaRecord r = reservation("Known", 5000);
  store_.fillReservation(r.key, "@alice:hs.test", content(), 2000);
  store_.linkEvent("$e", "!r:hs.test", {{{"hs.test", "Known"}, "url"}, {{"hs.test", "Unknown"}, "url"}});
  store_.linkEvent("$e", "!r:hs.test", {{{"hs.test", "Known"}, "url"}});  // a retry adds nothing
  const auto refs = store_.eventsReferencing(r.key);
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].event_id, "$e");
  EXPECT_TRUE(store_.eventsReferencing({"hs.test", "Unknown"}).empty());
}

TEST_F(PgMediaStoreTest, SchemaGuardsIdsAndDerivesTheStoragePath) {
  MediaRecord bad;
  bad.key = MediaKey{"hs.test", "../etc"};
  bad.created_at = 1;
  bad.unused_expires_at = 2;
  EXPECT_THROW(store_.insertReservation(bad), std::exception);
  MediaRecord up;
  up.key = MediaKey{"hs.test", "Up"};
  up.uploader = "@alice:hs.test";
  up.content = content();
  store_.insertUploaded(up);
  auto lease = pool_.acquire();
  pqxx::read_transaction tx(lease.get());
  EXPECT_EQ(tx.exec("SELECT storage_path FROM media WHERE media_id = 'Up'")[0][0].as<std::string>(),
            "content/aa/aa/" + std::string(64, 'a'));
}

}  // namespace
}  // namespace hs::db
