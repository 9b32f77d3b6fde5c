#pragma once
// The PDUs of inbound federation transactions, through the EventPipeline: grouped by room, each
// room's PDUs checked and stored in one batch (parents before children), one outcome per PDU.
// A PDU whose prev events are unknown is offered again after one get_missing_events request to
// its origin (at most kMaxMissing events between our forward extremities and it); a bigger gap,
// or missing auth events, are reported in the outcome's error.
#include <string>
#include <vector>

#include "homeserver/services/federation/remote_calls.h"
#include "homeserver/services/federation/remote_pdus.h"
#include "homeserver/services/rooms/event_pipeline.h"

namespace hs::rooms {

class PipelinePduSink final : public inbound::RemotePduSink {
 public:
  static constexpr int kMaxMissing = 50;
  // `remote`: how to ask the origin for missing events; none: never asked.
  explicit PipelinePduSink(EventPipeline& pipeline, outbound::RemoteCalls* remote = nullptr)
      : pipeline_(pipeline), remote_(remote) {}
  std::vector<inbound::PduOutcome> receivePdus(const std::string& origin,
                                               const std::vector<const json::Value*>& pdus) override;

 private:
  // The room's PDUs through the pipeline, gaps before them filled from `origin`.
  std::vector<PduResult> receiveRoom(const std::string& origin, const std::string& room_id,
                                     const std::vector<std::string>& pdus);
  // POST get_missing_events to `origin`: the events between our forward extremities and
  // `event_id`, as PDU texts (none when the origin does not answer).
  std::vector<std::string> missingEvents(const std::string& origin, const std::string& room_id,
                                         const std::string& event_id);
  EventPipeline& pipeline_;
  outbound::RemoteCalls* remote_;
};

// What a transaction's sender is told about one PDU: nothing (accepted; soft-failed and known
// events too) or why it was not.
std::optional<std::string> outcomeError(const PduResult& result);

}  // namespace hs::rooms
