#pragma once
// Inbound transactions (PUT /_matrix/federation/v1/send/{txnId}, ALGORITHMS §12): checked,
// deduplicated by (origin, txn_id), PDUs handed to the room pipeline's sink, EDUs applied.
// A transaction id seen before with the same body gets the same answer; with another body it is
// refused. One origin's transactions are handled one at a time, in the order they arrive.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "federation/inbound/edu_applier.h"
#include "federation/inbound/inbound_store.h"
#include "homeserver/services/federation/remote_pdus.h"

namespace hs::fed {

class TransactionReceiver {
 public:
  static constexpr size_t kMaxPdus = 50;
  static constexpr size_t kMaxEdus = 100;

  TransactionReceiver(InboundStore& store, inbound::RemotePduSink& pdus, EduApplier& edus)
      : store_(store), pdus_(pdus), edus_(edus) {}

  // The 200 response body ({"pdus": {event_id: {} | {"error"}}}). Throws MatrixError: 400 for
  // a malformed transaction, an origin other than the signer, or a reused id with other content.
  std::string receive(const std::string& origin, const std::string& txn_id, const std::string& body);

 private:
  std::string process(const std::string& origin, const json::Value& txn);
  void applyEdu(const std::string& origin, const json::Value& edu);
  std::shared_ptr<std::mutex> lockFor(const std::string& origin);

  InboundStore& store_;
  inbound::RemotePduSink& pdus_;
  EduApplier& edus_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<std::mutex>> per_origin_;  // guarded by mu_
};

}  // namespace hs::fed
