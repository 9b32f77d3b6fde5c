#include "media/media_refs.h"

#include "homeserver/core/json.h"
#include "media/media_ids.h"

namespace hs::media {

namespace {
// obj[path[0]][path[1]]... as a string, or nullptr.
const json::Value* stringAt(const json::Value& obj, std::initializer_list<std::string_view> path) {
  const json::Value* v = &obj;
  for (std::string_view key : path) {
    if (!v->IsObject()) {
      return nullptr;
    }
    v = json::member(*v, key);
    if (v == nullptr) {
      return nullptr;
    }
  }
  return v->IsString() ? v : nullptr;
}
}  // namespace

std::vector<MediaRef> mediaRefsOf(std::string_view content_json) {
  std::vector<MediaRef> refs;
  if (content_json.find("mxc://") == std::string_view::npos) {
    return refs;  // most events: no parse needed
  }
  const auto doc = json::tryParse(content_json);
  if (!doc || !doc->IsObject()) {
    return refs;
  }
  struct Field {
    const char* name;
    std::initializer_list<std::string_view> path;
  };
  const Field fields[] = {{"url", {"url"}},
                          {"info.thumbnail_url", {"info", "thumbnail_url"}},
                          {"file.url", {"file", "url"}},
                          {"info.thumbnail_file.url", {"info", "thumbnail_file", "url"}}};
  for (const Field& f : fields) {
    if (const json::Value* v = stringAt(*doc, f.path)) {
      if (auto key = parseMxc(std::string_view(v->GetString(), v->GetStringLength()))) {
        refs.push_back(MediaRef{std::move(*key), f.name});
      }
    }
  }
  return refs;
}

}  // namespace hs::media
