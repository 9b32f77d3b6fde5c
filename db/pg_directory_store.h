#pragma once
#include "db/pool.h"
#include "homeserver/services/directory/directory.h"

namespace hs::db {

class PgDirectoryStore final : public directory::DirectoryStore {
 public:
  explicit PgDirectoryStore(Pool& pool) : pool_(pool) {}
  std::vector<directory::PublicRoom> publicRooms(const std::string& term, int64_t offset,
                                                 int64_t limit) override;
  int64_t publicRoomCount() override;
  bool setPublished(const std::string& room_id, bool published) override;
  std::vector<directory::UserResult> searchUsers(const std::string& searcher, const std::string& term,
                                                 int64_t limit) override;

 private:
  Pool& pool_;
};

}  // namespace hs::db
