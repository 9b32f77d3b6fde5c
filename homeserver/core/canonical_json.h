#pragma once
// Matrix canonical JSON (ALGORITHMS §2): the one byte encoding that is hashed and signed.
// Sorted keys, no whitespace, minimal escaping, raw UTF-8, integers only.
#include <initializer_list>
#include <string>
#include <string_view>

#include "homeserver/core/json.h"

namespace hs::core {

// Throws MatrixError(BadJson) for a number that is not an integer in ±(2^53-1) (a double with
// an exact integral value in range is written as that integer) and for duplicate keys.
std::string canonicalJson(const json::Value& value);

// The canonical form of `object` as if its top-level `skip` members were absent. Signing and
// hashing strip `signatures`/`unsigned`/`hashes` this way without copying or mutating the
// event. A non-object is encoded whole.
std::string canonicalJsonWithout(const json::Value& object,
                                 std::initializer_list<std::string_view> skip);

// RapidJSON keeps every occurrence of a repeated key; canonical JSON cannot represent that,
// so inputs that will be signed or hashed are checked with this (recursively).
bool hasDuplicateKeys(const json::Value& value);

}  // namespace hs::core
