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

  std::vector<outbound::Edu> edus;  // queued for other servers

  bool enqueue(const std::string& sender, const std::string& sender_device, const std::string& txn_id,
               const std::string& type, const std::vector<OutgoingMessage>& messages,
               const std::vector<outbound::Edu>& remote, const std::function<int64_t()>& next_position) override {
    if (!txns.insert(sender + "|" + sender_device + "|" + txn_id).second) {
      return false;
    }
    edus.insert(edus.end(), remote.begin(), remote.end());
    for (const auto& m : messages) {
      for (const auto& d : devices[m.user_id]) {
        if (m.device_id == "*" || m.device_id == d) {
          inbox[{m.user_id, d}].push_back(QueuedMessage{sender, type, m.content, next_position()});
        }
      }
    }
    return true;
  }
  bool enqueueRemote(const std::string& sender, const std::string& message_id, const std::string& type,
                     const std::vector<OutgoingMessage>& messages,
                     const std::function<int64_t()>& next_position) override {
    return enqueue(sender, "remote", message_id, type, messages, {}, next_position);
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

  Fixture() {
    store.devices = {{"@bob:example.org", {"B1", "B2"}}};
    service.setFederating(true);
  }
  void send(const std::string& txn, const std::string& messages) {
    json::Document doc;
    doc.Parse(messages.c_str());
    service.send(alice, "A1", "m.test", txn, doc);
  }
};

TEST(ToDeviceService, StarAddressesEveryDeviceAndRemoteUsersGoToTheirServer) {
  Fixture f;
  f.send("t1", R"({"@bob:example.org":{"*":{"n":1}},"@carl:other.org":{"C":{"n":2}},)"
               R"("@dan:other.org":{"*":{"n":3}},"@eve:third.org":{"E":{"n":4}}})");
  const int64_t now = f.stream.safePosition();
  EXPECT_EQ(f.service.forSync("@bob:example.org", "B1", std::nullopt, now).events,
            std::vector<std::string>{R"({"sender":"@alice:example.org","type":"m.test","content":{"n":1}})"});
  EXPECT_EQ(f.service.forSync("@bob:example.org", "B2", std::nullopt, now).events.size(), 1u);
  // One m.direct_to_device EDU per remote server, in the same store call.
  ASSERT_EQ(f.store.edus.size(), 2u);
  EXPECT_EQ(f.store.edus[0].edu_type, "m.direct_to_device");
  EXPECT_EQ(f.store.edus[0].destinations, std::vector<std::string>{"other.org"});
  EXPECT_EQ(f.store.edus[1].destinations, std::vector<std::string>{"third.org"});
  EXPECT_FALSE(f.store.edus[0].droppable_after_ms.has_value());  // never dropped
  const auto content = *json::tryParse(f.store.edus[0].content);
  EXPECT_EQ(content["sender"].GetString(), std::string("@alice:example.org"));
  EXPECT_EQ(content["type"].GetString(), std::string("m.test"));
  EXPECT_LE(std::string(content["message_id"].GetString()).size(), 32u);
  EXPECT_EQ(json::toString(content["messages"]), R"({"@carl:other.org":{"C":{"n":2}},"@dan:other.org":{"*":{"n":3}}})");
}

TEST(ToDeviceService, RemoteMessagesAreQueuedOncePerMessageId) {
  Fixture f;
  const auto edu = *json::tryParse(R"({"sender":"@zed:other.org","type":"m.room_key_request","message_id":"m1",)"
                                   R"("messages":{"@bob:example.org":{"B1":{"k":1}},"@x:elsewhere.org":{"*":{}}}})");
  EXPECT_TRUE(f.service.receiveRemote("other.org", edu));
  EXPECT_TRUE(f.service.receiveRemote("other.org", edu));  // a retried transaction
  const auto got = f.service.forSync("@bob:example.org", "B1", std::nullopt, f.stream.safePosition()).events;
  EXPECT_EQ(got, std::vector<std::string>{R"({"sender":"@zed:other.org","type":"m.room_key_request","content":{"k":1}})"});
  // A server may only send its own users' messages.
  EXPECT_FALSE(f.service.receiveRemote("evil.org", edu));
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
