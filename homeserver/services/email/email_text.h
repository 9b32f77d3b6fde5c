#pragma once
// The verification email: address checks, the template and the RFC 5322 message. Pure
// functions.
#include <map>
#include <optional>
#include <string>

namespace hs::email {

// The address lower-cased, or nullopt when it is not a plausible single address (one '@',
// no spaces, controls or angle brackets, at most 254 bytes).
std::optional<std::string> normalizeAddress(const std::string& address);
// client_secret grammar: [0-9a-zA-Z.=_-]{1,255}.
bool isValidClientSecret(const std::string& secret);

// The built-in body; placeholders {code}, {link}, {server_name}, {purpose}, {address},
// {minutes}.
const char* defaultTemplate();
// Replaces each {name} that `vars` knows; other braces stay as they are.
std::string renderTemplate(const std::string& text, const std::map<std::string, std::string>& vars);

struct MessageParts {
  std::string from;     // header value, e.g. "Parley <noreply@example.org>"
  std::string to;
  std::string subject;
  std::string body;
  std::string date;        // RFC 5322 date
  std::string message_id;  // without angle brackets
};
// Headers and a text/plain UTF-8 body with CRLF line endings; a non-ASCII subject is
// RFC 2047 encoded.
std::string composeMessage(const MessageParts& parts);
// The bare address of a From value ("Name <a@b>" -> "a@b").
std::string envelopeAddress(const std::string& from);
std::string rfc5322Date(int64_t epoch_ms);

}  // namespace hs::email
