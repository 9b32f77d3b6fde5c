#pragma once
// Lazy-loaded members already sent to each device, so an incremental /sync does not send a
// membership the client holds again (the spec's include_redundant_members false). An entry
// counts only once the client has synced from the response that carried it: a response lost
// on the way and retried from the older token sends its members again.
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hs::sync {

class LazyMemberCache {
 public:
  // An initial or full-state sync starts the device over.
  void reset(const std::string& user_id, const std::string& device_id);
  // Whether the device holds `event_id` as `member`'s event in the room: it was sent in a
  // response whose next_batch position is at most `since`.
  bool held(const std::string& user_id, const std::string& device_id, const std::string& room_id,
            const std::string& member, const std::string& event_id, int64_t since);
  // `event_id` went out in a response whose next_batch position is `at`.
  void sent(const std::string& user_id, const std::string& device_id, const std::string& room_id,
            const std::string& member, const std::string& event_id, int64_t at);

 private:
  struct Sent {
    std::string event_id;
    int64_t at = 0;
  };
  // room id + '\n' + member -> what was sent
  using DeviceEntries = std::unordered_map<std::string, Sent>;
  // Past this many entries in all, everything is forgotten: clients then get redundant
  // members once, which the spec allows.
  static constexpr size_t kMaxEntries = 500000;
  std::mutex mu_;
  std::unordered_map<std::string, DeviceEntries> devices_;  // guarded by mu_; key user '\n' device
  size_t entries_ = 0;                                       // guarded by mu_
};

}  // namespace hs::sync
