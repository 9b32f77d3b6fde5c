// ToDeviceService with an in-memory store: addressing, idempotency, acknowledgement and the
// per-response limit.
#include "homeserver/services/e2ee/to_device_service.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "homeserver/core/matrix_error.h"

namespace hs::e2ee {
namespace {

class FakeToDeviceStore : public ToDeviceStore {
 public:
  std::map<std::string, std::vector<std::string>> devices;  // user -> device ids
  std::set<std::string> txns;
  std::map<std::pair<std::string, std::string>, std::vector<QueuedMessage>> inbox;

  bool enqueue(const std::string& sender, const std::string& sender_device, const std::string& txn_id,
               const std::string& type, const std::vector<OutgoingMessage>& messages,
               const std::function<int64_t()>& next_position) override {
    if (!txns.insert(sender + "|" + sender_device + "|" + txn_id).second) {
      return false;
    }
    for (const auto& m : messages) {
      for (const auto& d : devices[m.user_id]) {
        if (m.device_id == "*" || m.device_id == d) {
          inbox[{m.user_id, d}].push_back(QueuedMessage{sender, type, m.content, next_position()});
        }
      }
    }
    return true;
  }
  void acknowledge(const std::string& user, const std::string& device, int64_t up_to) override {
    std::erase_if(inbox[{user, device}], [&](const QueuedMessage& m) { return m.stream_pos <= up_to; });
  }
  std::vector<QueuedMessage> pending(const std::string& user, const std::string& device, int64_t up_to,
                                     size_t limit) override {
    std::vector<QueuedMessage> out;
    for (const auto& m : inbox[{user, device}]) {
      if (m.stream_pos <= up_to && out.size() < limit) {
        out.push_back(m);
      }
    }
    return out;
  }
};

struct Fixture {
  FakeToDeviceStore store;
  streams::StreamTracker stream{0};
  streams::Notifier notifier;
  ToDeviceService service{store, stream, notifier, "example.org"};
  const core::UserId alice = core::UserId::parse("@alice:example.org");

  Fixture() { store.devices = {{"@bob:example.org", {"B1", "B2"}}}; }
  void send(const std::string& txn, const std::string& messages) {
    json::Document doc;
    doc.Parse(messages.c_str());
    service.send(alice, "A1", "m.test", txn, doc);
  }
};

TEST(ToDeviceService, StarAddressesEveryDeviceAndRemoteUsersAreSkipped) {
  Fixture f;
  f.send("t1", R"({"@bob:example.org":{"*":{"n":1}},"@carl:other.org":{"C":{"n":2}}})");
  const int64_t now = f.stream.safePosition();
  EXPECT_EQ(f.service.forSync("@bob:example.org", "B1", std::nullopt, now).events,
            std::vector<std::string>{R"({"sender":"@alice:example.org","type":"m.test","content":{"n":1}})"});
  EXPECT_EQ(f.service.forSync("@bob:example.org", "B2", std::nullopt, now).events.size(), 1u);
}

TEST(ToDeviceService, RepeatedTransactionQueuesNothingMore) {
  Fixture f;
  f.send("t1", R"({"@bob:example.org":{"B1":{"n":1}}})");
  f.send("t1", R"({"@bob:example.org":{"B1":{"n":1}}})");
  EXPECT_EQ(f.service.forSync("@bob:example.org", "B1", std::nullopt, f.stream.safePosition()).events.size(), 1u);
}

TEST(ToDeviceService, SinceAcknowledgesAndALongInboxIsCut) {
  Fixture f;
  const int64_t before = f.stream.safePosition();
  for (int i = 0; i < 105; ++i) {
    f.send("t" + std::to_string(i), R"({"@bob:example.org":{"B1":{"n":)" + std::to_string(i) + "}}}");
  }
  const int64_t now = f.stream.safePosition();
  const auto first = f.service.forSync("@bob:example.org", "B1", before, now);
  ASSERT_EQ(first.events.size(), ToDeviceService::kMaxPerSync);
  ASSERT_TRUE(first.cut_at.has_value());
  EXPECT_LT(*first.cut_at, now);
  // The same since again (a lost response): the same messages.
  EXPECT_EQ(f.service.forSync("@bob:example.org", "B1", before, now).events, first.events);
  const auto second = f.service.forSync("@bob:example.org", "B1", *first.cut_at, now);
  EXPECT_EQ(second.events.size(), 5u);
  EXPECT_FALSE(second.cut_at.has_value());
  EXPECT_TRUE(f.service.forSync("@bob:example.org", "B1", now, now).events.empty());
}

TEST(ToDeviceService, RefusesBadRequests) {
  Fixture f;
  EXPECT_THROW(f.send("t1", R"({"bob":{"B1":{}}})"), core::MatrixError);
  EXPECT_THROW(f.send("t2", R"({"@bob:example.org":{"B1":[]}})"), core::MatrixError);
  EXPECT_THROW(f.send("", R"({})"), core::MatrixError);
}

}  // namespace
}  // namespace hs::e2ee
