#include "homeserver/services/accounts/password_hasher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <atomic>
#include <thread>
#include <vector>

#include "homeserver/core/matrix_error.h"

namespace hs::accounts {
namespace {

TEST(PasswordHasher, Argon2idRoundTrip) {
  const PasswordHasher h(1, 8);
  const std::string hash = h.hash("correct horse");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(h.verify("correct horse", hash));
  EXPECT_FALSE(h.verify("correct horsf", hash));
}

TEST(PasswordHasher, SaltedSoHashesDiffer) {
  const PasswordHasher h(1, 8);
  EXPECT_NE(h.hash("same"), h.hash("same"));
}

TEST(PasswordHasher, MalformedHashNeverVerifies) {
  const PasswordHasher h(1, 8);
  EXPECT_FALSE(h.verify("x", ""));
  EXPECT_FALSE(h.verify("x", "$argon2id$garbage"));
  EXPECT_FALSE(h.verify("x", std::string(500, 'a')));
}

// At most max_concurrent checks hold argon2id's memory at once; one that cannot start within
// max_wait is 429. The slow hash (4 passes over 64 MiB, hundreds of milliseconds) holds the
// only slot while cheap checks keep trying (until one is refused, or the slow one is done).
TEST(PasswordHasher, ConcurrentChecksAreBoundedAndRefusedAfterTheWait) {
  const PasswordHasher h(4, 64 * 1024, 1, std::chrono::milliseconds(0));
  const std::string cheap = PasswordHasher(1, 8).hash("pw");
  std::atomic<bool> done{false};
  std::thread slow([&] {
    for (bool hashed = false; !hashed;) {  // a cheap check may hold the slot at first
      try {
        h.hash("slow");
        hashed = true;
      } catch (const core::MatrixError&) {
      }
    }
    done = true;
  });
  bool refused = false;
  while (!done && !refused) {
    try {
      h.verify("pw", cheap);
    } catch (const core::MatrixError& e) {
      EXPECT_EQ(e.code(), core::ErrCode::LimitExceeded);
      EXPECT_TRUE(e.retryAfterMs().has_value());
      refused = true;
    }
  }
  slow.join();
  EXPECT_TRUE(refused) << "no check was ever refused while the only slot was taken";
  EXPECT_TRUE(h.verify("pw", cheap));  // the slot is free again
}

TEST(PasswordHasher, ChecksWaitForASlot) {
  const PasswordHasher h(1, 8, 1, std::chrono::seconds(30));
  const std::string hash = h.hash("pw");
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] { ok += h.verify("pw", hash) ? 1 : 0; });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(ok.load(), 8);
}

}  // namespace
}  // namespace hs::accounts
