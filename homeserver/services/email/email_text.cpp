#include "homeserver/services/email/email_text.h"

#include <algorithm>
#include <cctype>
#include <ctime>

#include "homeserver/core/base64.h"

namespace hs::email {

namespace {
constexpr size_t kMaxAddressBytes = 254;
constexpr size_t kMaxSecretBytes = 255;

bool isAscii(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Header values never carry line breaks (no header injection).
std::string oneLine(std::string s) {
  std::replace_if(s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return s;
}

std::string encodedWord(const std::string& s) {
  if (isAscii(s)) {
    return s;
  }
  std::string b64 = core::base64Encode(s);
  while (b64.size() % 4 != 0) {
    b64 += '=';
  }
  return "=?UTF-8?B?" + b64 + "?=";
}

std::string crlf(const std::string& body) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\n' && (i == 0 || body[i - 1] != '\r')) {
      out += '\r';
    }
    out += body[i];
  }
  return out;
}
}  // namespace

std::optional<std::string> normalizeAddress(const std::string& address) {
  if (address.empty() || address.size() > kMaxAddressBytes) {
    return std::nullopt;
  }
  const size_t at = address.find('@');
  if (at == 0 || at == std::string::npos || at + 1 == address.size() ||
      address.find('@', at + 1) != std::string::npos) {
    return std::nullopt;
  }
  for (unsigned char c : address) {
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"') {
      return std::nullopt;
    }
  }
  std::string out = address;
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool isValidClientSecret(const std::string& secret) {
  return !secret.empty() && secret.size() <= kMaxSecretBytes &&
         std::all_of(secret.begin(), secret.end(), [](unsigned char c) {
           return std::isalnum(c) || c == '.' || c == '=' || c == '_' || c == '-';
         });
}

const char* defaultTemplate() {
  return "Hello,\n\n"
         "Your verification code for {server_name} is:\n\n"
         "    {code}\n\n"
         "Enter it in your app to {purpose}, or open this link:\n\n"
         "{link}\n\n"
         "The code expires in {minutes} minutes. If you did not ask for it, you can ignore this\n"
         "email: nothing happens without the code.\n";
}

std::string renderTemplate(const std::string& text, const std::map<std::string, std::string>& vars) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const size_t close = text[i] == '{' ? text.find('}', i) : std::string::npos;
    if (close != std::string::npos) {
      const auto it = vars.find(text.substr(i + 1, close - i - 1));
      if (it != vars.end()) {
        out += it->second;
        i = close + 1;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

std::string composeMessage(const MessageParts& p) {
  std::string m;
  m += "From: " + oneLine(p.from) + "\r\n";
  m += "To: <" + oneLine(p.to) + ">\r\n";
  m += "Subject: " + encodedWord(oneLine(p.subject)) + "\r\n";
  m += "Date: " + oneLine(p.date) + "\r\n";
  m += "Message-ID: <" + oneLine(p.message_id) + ">\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: text/plain; charset=utf-8\r\n";
  m += "Content-Transfer-Encoding: 8bit\r\n\r\n";
  m += crlf(p.body);
  if (m.size() < 2 || m.substr(m.size() - 2) != "\r\n") {
    m += "\r\n";
  }
  return m;
}

std::string envelopeAddress(const std::string& from) {
  const size_t open = from.rfind('<');
  const size_t close = from.rfind('>');
  if (open != std::string::npos && close != std::string::npos && close > open) {
    return from.substr(open + 1, close - open - 1);
  }
  return from;
}

std::string rfc5322Date(int64_t epoch_ms) {
  const std::time_t t = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

}  // namespace hs::email
