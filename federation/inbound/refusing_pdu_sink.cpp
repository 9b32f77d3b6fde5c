#include "federation/inbound/refusing_pdu_sink.h"

#include "homeserver/core/event_crypto.h"
#include "homeserver/core/matrix_error.h"

namespace hs::fed {

std::vector<inbound::PduOutcome> RefusingPduSink::receivePdus(const std::string&,
                                                              const std::vector<const json::Value*>& pdus) {
  std::vector<inbound::PduOutcome> out;
  for (const json::Value* pdu : pdus) {
    if (!pdu->IsObject()) {
      continue;
    }
    try {
      // Rooms 10 and 11 differ only in what redaction keeps; "11" names the event as most rooms
      // would. The id only labels the error.
      out.push_back({core::eventIdFor(*pdu, "11"), "This server does not accept room events over federation yet"});
    } catch (const core::MatrixError&) {
      // not canonicalizable: it has no event id to answer under
    }
  }
  return out;
}

}  // namespace hs::fed
