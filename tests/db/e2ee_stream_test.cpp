// The E2EE tables' place in the sync stream, against a real PostgreSQL: acknowledged to-device
// messages are deleted but still count for the stream's high-water mark after a restart, and
// a device's keys and inbox go with the device.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "db/migrations.h"
#include "db/pg_account_store.h"
#include "db/pg_e2ee_key_store.h"
#include "db/pg_e2ee_to_device_store.h"
#include "db/pg_streams.h"
#include "db/pool.h"
#include "tests/support/test_server.h"

namespace hs::db {
namespace {

const std::string kUser = "@u:localhost";

struct Fixture {
  test::TestDatabase database;
  Pool pool{database.url(), 2};
  PgAccountStore accounts{pool};
  PgE2eeToDeviceStore inbox{pool};
  PgE2eeKeyStore keys{pool};

  Fixture() {
    applyMigrations(pool, embeddedMigrations());
    accounts::NewSession session{"DEV", std::nullopt, {"hash", std::nullopt, std::nullopt, std::nullopt}, "ip"};
    accounts.createUser(accounts::UserRecord{kUser, std::nullopt, std::nullopt, std::nullopt, false}, session, 0);
  }
  void queue(const std::string& txn, int64_t position) {
    inbox.enqueue(kUser, "DEV", txn, "m.test", {{kUser, "DEV", "{}"}}, {}, [position] { return position; });
  }
};

TEST(E2eeStream, AcknowledgedMessagesKeepTheHighWaterMark) {
  Fixture f;
  f.queue("t1", 40);
  f.queue("t2", 50);
  EXPECT_EQ(maxPersistedStreamPosition(f.pool), 50);
  f.inbox.acknowledge(kUser, "DEV", 50);
  EXPECT_TRUE(f.inbox.pending(kUser, "DEV", 100, 10).empty());
  EXPECT_EQ(maxPersistedStreamPosition(f.pool), 50);  // a restart must not reuse 41..50
}

TEST(E2eeStream, DeletingTheDeviceDropsItsKeysAndInbox) {
  Fixture f;
  f.queue("t1", 7);
  ASSERT_TRUE(f.keys.putDeviceKeys(kUser, "DEV", R"({"keys":{}})", e2ee::DeviceListChange{kUser, "DEV", false, 8}));
  ASSERT_FALSE(f.keys.addOneTimeKeys(kUser, "DEV", {{"signed_curve25519", "a", R"({"key":"k"})"}}));
  EXPECT_EQ(f.accounts.deleteDevices(kUser, {"DEV"}, std::nullopt, 0), std::vector<std::string>{"DEV"});
  EXPECT_FALSE(f.keys.deviceKeys(kUser, "DEV"));
  EXPECT_TRUE(f.keys.oneTimeKeyCounts(kUser, "DEV").empty());
  EXPECT_TRUE(f.inbox.pending(kUser, "DEV", 100, 10).empty());
  // Writes for the deleted device are refused rather than failing on the foreign key.
  EXPECT_FALSE(f.keys.putDeviceKeys(kUser, "DEV", "{}", e2ee::DeviceListChange{kUser, "DEV", false, 9}));
  auto lease = f.pool.acquire();
  pqxx::read_transaction tx(lease.get());
  EXPECT_EQ(tx.exec("SELECT count(*) FROM to_device_txns")[0][0].as<int>(), 0);
}

}  // namespace
}  // namespace hs::db
