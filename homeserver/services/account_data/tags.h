#pragma once
// Room tags live in the room account data event m.tag as {"tags":{"<tag>":{"order":0.5}}}.
// These pure functions edit that content; a malformed stored value (a client may PUT any
// object as m.tag) reads as having no tags rather than failing.
#include <string>

namespace hs::account_data {

inline constexpr const char* kTagType = "m.tag";

// The content normalized to {"tags":{...}}.
std::string tagsContent(const std::string& m_tag_content);
// Adds or replaces one tag; tag_json is the tag's object text.
std::string withTag(const std::string& m_tag_content, const std::string& tag,
                    const std::string& tag_json);
std::string withoutTag(const std::string& m_tag_content, const std::string& tag);

}  // namespace hs::account_data
