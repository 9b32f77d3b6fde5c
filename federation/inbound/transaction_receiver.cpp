#include "federation/inbound/transaction_receiver.h"

#include <spdlog/spdlog.h>

#include "homeserver/core/canonical_json.h"
#include "homeserver/core/digest.h"
#include "homeserver/core/matrix_error.h"

namespace hs::fed {

using core::ErrCode;
using core::MatrixError;

namespace {
const json::Value* optArray(const json::Value& obj, const char* key, size_t max) {
  const json::Value* v = json::member(obj, key);
  if (v == nullptr) {
    return nullptr;
  }
  if (!v->IsArray()) {
    throw MatrixError(ErrCode::BadJson, std::string("'") + key + "' must be an array");
  }
  if (v->Size() > max) {
    throw MatrixError(ErrCode::BadJson, std::string("Too many ") + key + " in one transaction");
  }
  return v;
}
}  // namespace

std::shared_ptr<std::mutex> TransactionReceiver::lockFor(const std::string& origin) {
  std::lock_guard lock(mu_);
  auto& m = per_origin_[origin];
  if (!m) {
    m = std::make_shared<std::mutex>();
  }
  return m;
}

std::string TransactionReceiver::receive(const std::string& origin, const std::string& txn_id,
                                         const std::string& body) {
  const json::Document txn = json::parseObject(body);
  if (json::optString(txn, "origin").value_or("") != origin) {
    throw MatrixError(ErrCode::InvalidParam, "The transaction's origin is not the server that signed it");
  }
  const std::string hash = core::sha256(core::canonicalJson(txn));  // BadJson if not canonical
  const auto serialized = lockFor(origin);
  std::lock_guard one_at_a_time(*serialized);
  if (const auto seen = store_.findTransaction(origin, txn_id)) {
    if (!core::constantTimeEquals(seen->body_hash, hash)) {
      throw MatrixError(ErrCode::InvalidParam, "Transaction " + txn_id + " was already sent with other content");
    }
    return seen->response;  // a retry: the same answer, nothing applied twice
  }
  std::string response = process(origin, txn);
  store_.recordTransaction(origin, txn_id, hash, response);
  return response;
}

void TransactionReceiver::applyEdu(const std::string& origin, const json::Value& edu) {
  const auto type = json::optString(edu, "edu_type");
  const json::Value* content = json::member(edu, "content");
  if (!type || content == nullptr) {
    return;
  }
  try {
    edus_.apply(origin, *type, *content);
  } catch (const MatrixError& err) {  // one malformed EDU is dropped, not the transaction
    spdlog::debug("{} EDU from {} dropped: {}", *type, origin, err.what());
  }
}

std::string TransactionReceiver::process(const std::string& origin, const json::Value& txn) {
  const json::Value* pdus = optArray(txn, "pdus", kMaxPdus);
  const json::Value* edus = optArray(txn, "edus", kMaxEdus);
  if (pdus == nullptr) {
    throw MatrixError(ErrCode::BadJson, "'pdus' is required");
  }
  std::vector<const json::Value*> list;
  for (const auto& p : pdus->GetArray()) {
    list.push_back(&p);
  }
  const auto outcomes = pdus_.receivePdus(origin, list);
  if (edus != nullptr) {
    for (const auto& e : edus->GetArray()) {
      applyEdu(origin, e);
    }
  }
  json::Writer w;
  w.startObject().key("pdus").startObject();
  for (const auto& o : outcomes) {
    w.key(o.event_id).startObject();
    if (o.error) {
      w.key("error").string(*o.error);
    }
    w.endObject();
  }
  w.endObject().endObject();
  return w.take();
}

}  // namespace hs::fed
