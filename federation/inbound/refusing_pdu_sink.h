#pragma once
// The PDU sink until the room pipeline accepts remote events: every PDU is answered with an
// error, keyed by its event id (computed with the room-version-4+ reference hash).
#include "homeserver/services/federation/remote_pdus.h"

namespace hs::fed {

class RefusingPduSink final : public inbound::RemotePduSink {
 public:
  std::vector<inbound::PduOutcome> receivePdus(const std::string& origin,
                                               const std::vector<const json::Value*>& pdus) override;
};

}  // namespace hs::fed
