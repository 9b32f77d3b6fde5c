#pragma once
// Matrix's unpadded base64, standard and URL-safe alphabets.
#include <optional>
#include <string>
#include <string_view>

namespace hs::core {

std::string base64Encode(std::string_view bytes);     // standard alphabet, no padding
std::string base64UrlEncode(std::string_view bytes);  // '-' and '_', no padding
// Accepts either alphabet, with or without padding; nullopt on any other character.
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace hs::core
