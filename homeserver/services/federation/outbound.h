#pragma once
// What a change sends to other servers: PDUs and EDUs for the outbound federation queue. The
// producers (rooms, receipts, typing, presence, device lists, to-device) describe them with
// these types; db/pg_outbox writes them in the same database transaction as the change, and
// the sender (federation/queue) delivers them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hs::outbound {

struct Edu {
  std::string edu_type;  // m.typing, m.receipt, m.presence, m.device_list_update, ...
  std::string content;   // the EDU's content (a JSON object)
  std::vector<std::string> destinations;
  // Typing and presence go stale: after this time (ms since the epoch) the sender drops the
  // EDU instead of sending it. Receipts, device lists and to-device never set it.
  std::optional<int64_t> droppable_after_ms;
};

struct Pdu {
  std::string event_id;
  std::string pdu_json;  // the event in federation format
  std::vector<std::string> destinations;
};

// For producers without a transaction of their own (typing is kept in memory): writes the
// EDUs in one transaction of its own.
class Outbox {
 public:
  virtual ~Outbox() = default;
  virtual void enqueue(const std::vector<Edu>& edus) = 0;
  virtual void enqueuePdus(const std::vector<Pdu>& pdus) = 0;
};

// The servers other than ours that these users belong to, each once.
std::vector<std::string> remoteServersOf(const std::vector<std::string>& user_ids, const std::string& our_server);

}  // namespace hs::outbound
