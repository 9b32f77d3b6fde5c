#pragma once
// The room directory (publicRooms, directory/list/room) and the user directory.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "homeserver/services/rooms/room_store.h"

namespace hs::directory {

struct PublicRoom {
  std::string room_id;
  int64_t num_joined_members = 0;
  std::optional<std::string> name, topic, canonical_alias, avatar_url, join_rule, room_type;
  bool world_readable = false;
  bool guest_can_join = false;
};

struct UserResult {
  std::string user_id;
  std::optional<std::string> display_name;
  std::optional<std::string> avatar_url;
};

class DirectoryStore {
 public:
  virtual ~DirectoryStore() = default;
  // Published rooms matching `term` (name, topic or alias; empty: all), biggest first.
  virtual std::vector<PublicRoom> publicRooms(const std::string& term, int64_t offset, int64_t limit) = 0;
  virtual int64_t publicRoomCount() = 0;
  virtual bool setPublished(const std::string& room_id, bool published) = 0;  // false: no room
  // Users who share a room with `searcher` or sit in a published room, matching `term`.
  virtual std::vector<UserResult> searchUsers(const std::string& searcher, const std::string& term,
                                              int64_t limit) = 0;
};

class DirectoryService {
 public:
  DirectoryService(DirectoryStore& store, rooms::RoomStore& rooms) : store_(store), rooms_(rooms) {}
  struct Page {
    std::vector<PublicRoom> chunk;
    std::optional<std::string> next_batch;
    std::optional<std::string> prev_batch;
    int64_t total = 0;
  };
  Page publicRooms(const std::string& term, const std::optional<std::string>& since, int64_t limit);
  std::string visibility(const std::string& room_id);
  // Only the room's members with power to change the canonical alias may publish it.
  void setVisibility(const std::string& user_id, const std::string& room_id, const std::string& visibility);
  std::vector<UserResult> searchUsers(const std::string& searcher, const std::string& term, int64_t limit);

 private:
  DirectoryStore& store_;
  rooms::RoomStore& rooms_;
};

}  // namespace hs::directory
