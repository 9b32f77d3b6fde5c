#pragma once
// PostgreSQL implementation of the pusher store (table pushers).
#include "db/pool.h"
#include "homeserver/services/pushers/pusher_store.h"

namespace hs::db {

class PgPusherStore final : public pushers::PusherStore {
 public:
  explicit PgPusherStore(Pool& pool) : pool_(pool) {}
  void upsert(const pushers::Pusher& p, bool append) override;
  bool remove(const std::string& user_id, const std::string& app_id, const std::string& pushkey) override;
  std::vector<pushers::Pusher> list(const std::string& user_id) override;
  void removeAllBut(const std::string& user_id, const std::string& keep_device) override;
  std::set<std::string> withPushers(const std::vector<std::string>& user_ids) override;

 private:
  Pool& pool_;
};

}  // namespace hs::db
