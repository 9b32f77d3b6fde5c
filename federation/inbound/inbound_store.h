#pragma once
// What inbound transactions need from storage (db/pg_federation_inbound_store implements it).
#include <optional>
#include <string>

namespace hs::fed {

class InboundStore {
 public:
  struct SeenTransaction {
    std::string body_hash;  // SHA-256 of the body's canonical JSON
    std::string response;   // what we answered
  };
  virtual ~InboundStore() = default;
  virtual std::optional<SeenTransaction> findTransaction(const std::string& origin, const std::string& txn_id) = 0;
  virtual void recordTransaction(const std::string& origin, const std::string& txn_id, const std::string& body_hash,
                                 const std::string& response) = 0;
  // Keeps an EDU as it arrived (remote device lists, cross-signing key updates) until a feature
  // applies it. False when one with the same (origin, type, dedupe key) was kept before.
  virtual bool keepEdu(const std::string& origin, const std::string& edu_type, const std::string& user_id,
                       const std::string& dedupe_key, const std::string& content) = 0;
};

}  // namespace hs::fed
