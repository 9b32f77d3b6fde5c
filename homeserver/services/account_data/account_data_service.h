#pragma once
// Account data: JSON objects a user keeps on the server, global or per room (m.direct,
// m.ignored_user_list, m.fully_read, m.tag, io.element.*), reported by /sync. Every write
// takes a stream position and wakes the user's parked /sync. The m.push_rules event is not
// stored here: it is rendered from the push rule service whenever it is read.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "homeserver/core/ids.h"
#include "homeserver/services/account_data/account_data_store.h"
#include "homeserver/services/push_rules/push_rule_service.h"
#include "homeserver/services/streams/notifier.h"
#include "homeserver/services/streams/stream_tracker.h"

namespace hs::account_data {

// Rewrites the content a client PUTs for one global account data type before it is stored
// (m.ignored_user_list is the block list); throws MatrixError to refuse it.
using ContentHook = std::function<std::string(const std::string& user_id, const std::string& content)>;

class AccountDataService {
 public:
  AccountDataService(AccountDataStore& store, push_rules::PushRuleService& push_rules,
                     streams::StreamTracker& stream, streams::Notifier& notifier)
      : store_(store), push_rules_(push_rules), stream_(stream), notifier_(notifier) {}

  // The client API. room_id "" means global. Only the user may touch their own data (403);
  // the body must be a JSON object; types the server manages are refused with 405.
  void putForClient(const core::UserId& requester, const core::UserId& target,
                    const std::string& room_id, const std::string& type, const std::string& body);
  // The content, or M_NOT_FOUND when unset.
  std::string getForClient(const core::UserId& requester, const core::UserId& target,
                           const std::string& room_id, const std::string& type);

  // Room tags, kept in the room account data event m.tag.
  std::string tags(const core::UserId& requester, const core::UserId& target,
                   const std::string& room_id);
  void putTag(const core::UserId& requester, const core::UserId& target, const std::string& room_id,
              const std::string& tag, const std::string& body);
  void deleteTag(const core::UserId& requester, const core::UserId& target,
                 const std::string& room_id, const std::string& tag);

  // One hook per global type, set while wiring the services.
  void setContentHook(const std::string& type, ContentHook hook) { hooks_[type] = std::move(hook); }

  // For other services (read markers write m.fully_read here): no permission checks and no
  // refused types. content_json must be a JSON object's text.
  void set(const std::string& user_id, const std::string& room_id, const std::string& type,
           const std::string& content_json);
  std::optional<std::string> get(const std::string& user_id, const std::string& room_id,
                                 const std::string& type);
  // One stored key for many users at once (user id -> content); not for m.push_rules.
  std::map<std::string, std::string> getForUsers(const std::vector<std::string>& user_ids,
                                                 const std::string& room_id, const std::string& type) {
    return store_.getForUsers(user_ids, room_id, type);
  }

  // For /sync: the latest value of every key changed in (from_exclusive, to_inclusive], plus
  // m.push_rules when the push rules changed in that range. from_exclusive = 0 is an initial
  // sync: everything, m.push_rules included even if the user never changed a rule.
  std::vector<AccountDataEvent> changedSince(const std::string& user_id, int64_t from_exclusive,
                                             int64_t to_inclusive);

 private:
  void write(const std::string& user_id, const std::string& room_id, const std::string& type,
             const AccountDataStore::Change& change);

  AccountDataStore& store_;
  push_rules::PushRuleService& push_rules_;
  streams::StreamTracker& stream_;
  streams::Notifier& notifier_;
  std::map<std::string, ContentHook> hooks_;  // written before requests are served
};

}  // namespace hs::account_data
