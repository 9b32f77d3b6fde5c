#pragma once
// Cross-signing (POST /keys/device_signing/upload and /keys/signatures/upload): a user's
// master, self-signing and user-signing keys, and the signatures that tie devices and other
// users' master keys to them. Every signature is checked before it is stored; /keys/query
// merges them back in (key_service.h).
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "homeserver/core/ids.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/e2ee/device_lists.h"
#include "homeserver/services/e2ee/key_store.h"
#include "homeserver/services/streams/stream_tracker.h"

namespace hs::e2ee {

struct SignatureFailure {
  std::string user_id;
  std::string key_id;
  core::MatrixError error;
};

class CrossSigning {
 public:
  CrossSigning(KeyStore& store, DeviceLists& lists, streams::StreamTracker& stream)
      : store_(store), lists_(lists), stream_(stream) {}

  // Stores the keys in `body` (master_key, self_signing_key, user_signing_key). `authorize`
  // runs user-interactive auth; it is skipped, as the spec allows, when the user has no
  // master key yet or the request only repeats the stored keys.
  void uploadKeys(const core::UserId& user, const json::Value& body,
                  const std::function<void()>& authorize);
  // Stores the valid signatures of `body` ({user: {key id: signed object}}) made by `signer`;
  // returns the ones refused.
  std::vector<SignatureFailure> uploadSignatures(const core::UserId& signer, const json::Value& body);

 private:
  struct Signable {
    std::string stored_json;                      // the object as stored
    std::optional<std::string> changed_device;    // device list entry to record (none: keys)
    std::function<std::optional<std::string>(const std::string& key_id)> signer_key;
  };
  std::optional<Signable> signable(const core::UserId& signer, const std::string& target_user,
                                   const std::string& key_id);
  std::vector<Signature> checkSignatures(const core::UserId& signer, const std::string& target_user,
                                         const std::string& key_id, const json::Value& object,
                                         std::optional<std::string>& changed_device);

  KeyStore& store_;
  DeviceLists& lists_;
  streams::StreamTracker& stream_;
};

}  // namespace hs::e2ee
