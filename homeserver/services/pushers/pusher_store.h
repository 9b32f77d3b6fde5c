#pragma once
// What pushers need from storage. db/pg_pusher_store implements it.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace hs::pushers {

struct Pusher {
  std::string user_id;
  std::string app_id;
  std::string pushkey;
  std::string kind;
  std::string app_display_name;
  std::string device_display_name;
  std::optional<std::string> profile_tag;
  std::string lang;
  std::string data;  // JSON object, url included
  int64_t pushkey_ts = 0;  // ms
  std::optional<std::string> device_id;  // the device that set it (none before migration 0031)
};

class PusherStore {
 public:
  virtual ~PusherStore() = default;
  // Creates or updates the user's pusher (app_id, pushkey); unless `append`, other users'
  // pushers with the same app_id and pushkey go, in the same transaction.
  virtual void upsert(const Pusher& p, bool append) = 0;
  virtual bool remove(const std::string& user_id, const std::string& app_id, const std::string& pushkey) = 0;
  virtual std::vector<Pusher> list(const std::string& user_id) = 0;
  // Removes the user's pushers that `keep_device` did not set (all when it is empty).
  virtual void removeAllBut(const std::string& user_id, const std::string& keep_device) = 0;
  // Those of `user_ids` with at least one pusher (most users have none).
  virtual std::set<std::string> withPushers(const std::vector<std::string>& user_ids) = 0;
};

}  // namespace hs::pushers
