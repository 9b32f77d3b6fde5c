#pragma once
// Federation request authentication (ALGORITHMS §9): the signed request object and the
// `Authorization: X-Matrix ...` header that carries its signature.
#include <optional>
#include <string>
#include <string_view>

#include "homeserver/core/json.h"
#include "homeserver/core/signing.h"

namespace hs::core {

// The parameters of one X-Matrix header.
struct XMatrixAuth {
  std::string origin;
  std::optional<std::string> destination;  // older senders leave it out
  std::string key_id;
  std::string signature;  // unpadded base64, as sent
};

// {method, uri, origin, destination[, content]}: `uri` is the request target as sent (path and
// query, percent-encoded); `content` is the parsed body, or nullptr when there is no body.
json::Document xMatrixRequestObject(std::string_view method, std::string_view uri,
                                    std::string_view origin, std::string_view destination,
                                    const json::Value* content);

// The Authorization header value, `X-Matrix origin="…",destination="…",key="…",sig="…"`.
std::string xMatrixAuthorization(const SigningKey& key, std::string_view method,
                                 std::string_view uri, std::string_view origin,
                                 std::string_view destination, const json::Value* content);

// Parses a header value leniently (quoted or unquoted values, spaces or tabs around commas,
// names in any case and order, `sig` or `signature`, unknown parameters ignored). nullopt when
// it is not X-Matrix, is malformed, repeats a parameter or lacks origin, key or sig.
std::optional<XMatrixAuth> parseXMatrixAuthorization(std::string_view header);

// Checks `auth` against the request as received. `our_server_name` is both what a present
// destination must equal and the destination that was signed. False means answer 401. A body that
// is not canonicalizable (floats, duplicate keys) throws MatrixError(BadJson).
bool verifyXMatrixRequest(const XMatrixAuth& auth, std::string_view method, std::string_view uri,
                          std::string_view our_server_name, const json::Value* content,
                          std::string_view origin_public_key_raw32);

}  // namespace hs::core
