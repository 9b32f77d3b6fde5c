#pragma once
// Other servers for the pipeline tests: each signs with its own libsodium key, and a
// RemoteRoom builds a room's DAG event by event the way a resident server would (auth events
// from the state before each event, prev events as asked, forks included), so the tests feed
// our EventPipeline the PDUs federation would deliver.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "homeserver/core/signing.h"
#include "homeserver/services/rooms/event_builder.h"
#include "homeserver/core/server_keys.h"

namespace hs::test {

// ServerKeyLookup over a fixed set of keys.
class FakeKeys : public core::ServerKeyLookup {
 public:
  void add(const std::string& server, const core::SigningKey& key, int64_t valid_until_ts = 1LL << 50);
  std::optional<core::VerifyKey> verifyKey(const std::string& server, const std::string& key_id,
                                           int64_t min_valid_until_ts) override;

 private:
  std::map<std::string, std::map<std::string, core::VerifyKey>> keys_;
};

struct BuiltPdu {
  std::string json;  // the PDU as sent over federation
  std::string id;
};

class RemoteRoom {
 public:
  // `signers`: server name -> the key its events are signed with (the sender's server signs).
  RemoteRoom(std::string version, std::map<std::string, const core::SigningKey*> signers);

  // The create event (sent by `creator`); the room ID follows from it in version 12.
  BuiltPdu create(const std::string& creator, const std::string& extra_content = "");
  // A new event on `prev` (default: the last event built), stamped `ts` (default: the next
  // tick). The sender's server signs it.
  BuiltPdu send(const rooms::EventDraft& draft, std::optional<std::vector<std::string>> prev = {},
                std::optional<int64_t> ts = {});
  BuiltPdu state(const std::string& sender, const std::string& type, const std::string& key,
                 const std::string& content, std::optional<std::vector<std::string>> prev = {});
  BuiltPdu member(const std::string& sender, const std::string& target, const std::string& membership,
                  std::optional<std::vector<std::string>> prev = {});
  BuiltPdu message(const std::string& sender, const std::string& body,
                   std::optional<std::vector<std::string>> prev = {});

  const std::string& roomId() const { return room_.room_id; }
  const std::string& version() const { return room_.room_version; }
  const std::string& last() const { return last_; }
  const rooms::StateMap& stateAfter(const std::string& id) const { return state_after_.at(id); }
  const rooms::Event& event(const std::string& id) const { return events_.at(id); }
  const std::string& json(const std::string& id) const { return json_.at(id); }
  // The PDUs of the state after `id` and of its auth chain: what send_join would return.
  std::vector<std::string> statePdus(const std::string& id) const;
  std::vector<std::string> authChainPdus(const std::string& id) const;

 private:
  rooms::StateMap stateBefore(const std::vector<std::string>& prev) const;

  rooms::RoomInfo room_;
  std::map<std::string, const core::SigningKey*> signers_;
  std::map<std::string, rooms::Event> events_;
  std::map<std::string, std::string> json_;
  std::map<std::string, rooms::StateMap> state_after_;
  std::string last_;
  int64_t clock_ = 1'000'000;
};

// A PDU with content.body changed after signing: its content hash no longer matches.
std::string tamperBody(const std::string& pdu_json, const std::string& body);

}  // namespace hs::test
