#pragma once
// What the filter service needs from storage. db/pg_filter_store implements it.
#include <cstdint>
#include <optional>
#include <string>

namespace hs::filters {

class FilterStore {
 public:
  virtual ~FilterStore() = default;
  // Stores the filter text and returns its new id.
  virtual int64_t insert(const std::string& user_id, const std::string& filter_json) = 0;
  // The text of the user's filter with this id; nullopt when the user has none such.
  virtual std::optional<std::string> find(const std::string& user_id, int64_t filter_id) = 0;
};

}  // namespace hs::filters
