#include "homeserver/services/account_data/tags.h"

#include "homeserver/core/json.h"

namespace hs::account_data {

namespace {
// Parses the content and makes sure doc["tags"] is an object, keeping other members.
json::Document loadTags(const std::string& content) {
  auto parsed = json::tryParse(content);
  json::Document doc;
  if (parsed && parsed->IsObject()) {
    doc = std::move(*parsed);
  } else {
    doc.SetObject();
  }
  auto it = doc.FindMember("tags");
  if (it == doc.MemberEnd()) {
    doc.AddMember("tags", json::Value(rapidjson::kObjectType), doc.GetAllocator());
  } else if (!it->value.IsObject()) {
    it->value.SetObject();
  }
  return doc;
}

json::Value stringValue(const std::string& s, json::Document& doc) {
  return json::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), doc.GetAllocator());
}
}  // namespace

std::string tagsContent(const std::string& m_tag_content) {
  json::Document doc = loadTags(m_tag_content);
  json::Writer w;
  w.startObject().key("tags").value(doc["tags"]).endObject();
  return w.take();
}

std::string withTag(const std::string& m_tag_content, const std::string& tag,
                    const std::string& tag_json) {
  json::Document doc = loadTags(m_tag_content);
  json::Value& tags = doc["tags"];
  const auto tag_doc = json::tryParse(tag_json);
  json::Value tag_value(rapidjson::kObjectType);
  if (tag_doc) {
    tag_value.CopyFrom(*tag_doc, doc.GetAllocator());
  }  // deep copy into doc's allocator
  auto it = tags.FindMember(stringValue(tag, doc));
  if (it != tags.MemberEnd()) {
    it->value = tag_value;
  } else {
    tags.AddMember(stringValue(tag, doc), tag_value, doc.GetAllocator());
  }
  return json::toString(doc);
}

std::string withoutTag(const std::string& m_tag_content, const std::string& tag) {
  json::Document doc = loadTags(m_tag_content);
  json::Value& tags = doc["tags"];
  auto it = tags.FindMember(stringValue(tag, doc));
  if (it != tags.MemberEnd()) {
    tags.EraseMember(it);  // keeps the other tags in order, unlike RemoveMember
  }
  return json::toString(doc);
}

}  // namespace hs::account_data
