#pragma once
// Where the PDUs of inbound federation transactions go: the room pipeline implements this
// (rooms::PipelinePduSink). The transaction itself is acknowledged either way (the spec: rejected
// events do not fail the request).
#include <optional>
#include <string>
#include <vector>

#include "homeserver/core/json.h"

namespace hs::inbound {

struct PduOutcome {
  std::string event_id;
  std::optional<std::string> error;  // none: accepted
};

class RemotePduSink {
 public:
  virtual ~RemotePduSink() = default;
  // The PDUs of one transaction from `origin` (already authenticated), in the order sent. The
  // sink groups them by room and orders them as it needs; it returns one outcome per PDU it
  // could identify (a PDU without a computable event id has none).
  virtual std::vector<PduOutcome> receivePdus(const std::string& origin, const std::vector<const json::Value*>& pdus) = 0;
};

}  // namespace hs::inbound
