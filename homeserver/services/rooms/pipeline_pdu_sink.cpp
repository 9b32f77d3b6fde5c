#include "homeserver/services/rooms/pipeline_pdu_sink.h"

#include <map>

#include "homeserver/core/event_crypto.h"
#include "homeserver/core/matrix_error.h"

namespace hs::rooms {

namespace {
std::string joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) {
    out += (out.empty() ? "" : ", ") + id;
  }
  return out;
}

// An ID to answer under for a PDU the pipeline could not name (an unknown room, a PDU it
// dropped before computing one): its room-version-4+ reference hash; empty when even that
// cannot be computed.
std::string labelOf(const json::Value& pdu) {
  try {
    return core::eventIdFor(pdu, "11");
  } catch (const core::MatrixError&) {
    return {};
  }
}
}  // namespace

std::optional<std::string> outcomeError(const PduResult& r) {
  switch (r.status) {
    case PduStatus::kAccepted:
    case PduStatus::kSoftFailed:
    case PduStatus::kDuplicate:
      return std::nullopt;
    case PduStatus::kRejected:
      return "Rejected: " + r.reason;
    case PduStatus::kDropped:
      return "Dropped: " + r.reason;
    case PduStatus::kMissing: {
      std::string what = "Missing events:";
      if (!r.missing_prev_events.empty()) {
        what += " prev_events " + joined(r.missing_prev_events) + ";";
      }
      if (!r.missing_auth_events.empty()) {
        what += " auth_events " + joined(r.missing_auth_events) + ";";
      }
      return what;
    }
    case PduStatus::kUnknownRoom:
      return "This server is not in the room";
  }
  return "Not accepted";
}

std::vector<inbound::PduOutcome> PipelinePduSink::receivePdus(const std::string&,
                                                              const std::vector<const json::Value*>& pdus) {
  // Rooms in the order their first PDU came; within a room, the pipeline orders the PDUs.
  std::vector<std::string> rooms;
  std::map<std::string, std::vector<const json::Value*>> by_room;
  std::vector<inbound::PduOutcome> out;
  for (const json::Value* pdu : pdus) {
    const auto room_id = pdu->IsObject() ? stringMember(*pdu, "room_id") : std::nullopt;
    if (!room_id) {
      if (pdu->IsObject() && !labelOf(*pdu).empty()) {
        out.push_back({labelOf(*pdu), "Dropped: a PDU of a transaction needs a room_id"});
      }
      continue;
    }
    auto& list = by_room[std::string(*room_id)];
    if (list.empty()) {
      rooms.emplace_back(*room_id);
    }
    list.push_back(pdu);
  }
  for (const auto& room_id : rooms) {
    const auto& list = by_room.at(room_id);
    std::vector<std::string> texts;
    for (const json::Value* pdu : list) {
      texts.push_back(json::toString(*pdu));
    }
    const auto results = pipeline_.receiveAll(room_id, texts, EventOrigin::kRemote);
    for (size_t i = 0; i < results.size(); ++i) {
      std::string id = results[i].event_id.empty() ? labelOf(*list[i]) : results[i].event_id;
      if (!id.empty()) {
        out.push_back({std::move(id), outcomeError(results[i])});
      }
    }
  }
  return out;
}

}  // namespace hs::rooms
