#pragma once
// The PDUs of inbound federation transactions, through the EventPipeline: grouped by room, each
// room's PDUs checked and stored in one batch (parents before children), one outcome per PDU.
// Missing prev or auth events are reported in the outcome's error until federation fetches
// them (get_missing_events, /event_auth) and offers the PDU again.
#include <string>
#include <vector>

#include "homeserver/services/federation/remote_pdus.h"
#include "homeserver/services/rooms/event_pipeline.h"

namespace hs::rooms {

class PipelinePduSink final : public inbound::RemotePduSink {
 public:
  explicit PipelinePduSink(EventPipeline& pipeline) : pipeline_(pipeline) {}
  std::vector<inbound::PduOutcome> receivePdus(const std::string& origin,
                                               const std::vector<const json::Value*>& pdus) override;

 private:
  EventPipeline& pipeline_;
};

// What a transaction's sender is told about one PDU: nothing (accepted; soft-failed and known
// events too) or why it was not.
std::optional<std::string> outcomeError(const PduResult& result);

}  // namespace hs::rooms
