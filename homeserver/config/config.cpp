#include "homeserver/config/config.h"

#include <set>

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "homeserver/core/ids.h"
#include "homeserver/core/ip_range.h"

namespace hs::config {

namespace {

constexpr int kDefaultMetricsPort = 9092;

// Reads `node[key]` into `out` when present; a wrong type is collected, not thrown, so the
// operator sees every mistake at once.
template <typename T>
void read(const YAML::Node& node, const char* key, T& out, std::vector<std::string>& errors,
          const std::string& where) {
  if (!node || !node.IsMap() || !node[key]) {
    return;
  }
  try {
    out = node[key].as<T>();
  } catch (const YAML::Exception&) {
    errors.push_back(where + key + ": has the wrong type");
  }
}

std::string resolvePath(const std::string& base_dir, const std::string& p) {
  if (p.empty() || std::filesystem::path(p).is_absolute()) {
    return p;
  }
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

Listener readListener(const YAML::Node& n, std::vector<std::string>& errors, const std::string& where,
                      Listener l = {}) {
  read(n, "bind_address", l.bind_address, errors, where);
  read(n, "port", l.port, errors, where);
  read(n, "tls_cert_path", l.tls_cert_path, errors, where);
  read(n, "tls_key_path", l.tls_key_path, errors, where);
  return l;
}

RateLimit readRateLimit(const YAML::Node& n, const char* key, RateLimit def,
                        std::vector<std::string>& errors) {
  if (n && n[key]) {
    read(n[key], "per_second", def.per_second, errors, std::string("rate_limits.") + key + ".");
    read(n[key], "burst", def.burst, errors, std::string("rate_limits.") + key + ".");
  }
  return def;
}

void readSocialSections(const YAML::Node& root, Config& c, std::vector<std::string>& errors) {
  const auto email = root["email"];
  read(email, "subject", c.email.subject, errors, "email.");
  read(email, "template_path", c.email.template_path, errors, "email.");
  read(email, "code_lifetime_ms", c.email.code_lifetime_ms, errors, "email.");
  read(email, "max_attempts", c.email.max_attempts, errors, "email.");
  const auto push = root["push"];
  read(push, "timeout_ms", c.push.timeout_ms, errors, "push.");
  read(push, "max_attempts", c.push.max_attempts, errors, "push.");
  read(push, "initial_backoff_ms", c.push.initial_backoff_ms, errors, "push.");
  read(push, "max_backoff_ms", c.push.max_backoff_ms, errors, "push.");
  const auto voip = root["voip"];
  read(voip, "turn_uris", c.voip.turn_uris, errors, "voip.");
  read(voip, "turn_shared_secret", c.voip.turn_shared_secret, errors, "voip.");
  read(voip, "turn_user_lifetime_ms", c.voip.turn_user_lifetime_ms, errors, "voip.");
}

std::vector<TrustedKeyServer> readTrustedKeyServers(const YAML::Node& list, std::vector<std::string>& errors) {
  std::vector<TrustedKeyServer> out;
  if (!list) {
    return out;
  }
  if (!list.IsSequence()) {
    errors.push_back("federation.trusted_key_servers: must be a list");
    return out;
  }
  for (const auto& item : list) {
    TrustedKeyServer t;
    read(item, "server_name", t.server_name, errors, "federation.trusted_key_servers[].");
    if (item.IsMap() && item["verify_keys"]) {
      if (!item["verify_keys"].IsMap()) {
        errors.push_back("federation.trusted_key_servers[].verify_keys: must be a map");
        continue;
      }
      for (const auto& kv : item["verify_keys"]) {
        t.verify_keys.emplace_back(kv.first.as<std::string>(), kv.second.as<std::string>());
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

void readFederation(const YAML::Node& f, Config& c, std::vector<std::string>& errors) {
  read(f, "ca_file", c.federation.ca_file, errors, "federation.");
  read(f, "ip_range_whitelist", c.federation.ip_range_whitelist, errors, "federation.");
  read(f, "worker_threads", c.federation.worker_threads, errors, "federation.");
  read(f, "sender_threads", c.federation.sender_threads, errors, "federation.");
  read(f, "initial_backoff_ms", c.federation.initial_backoff_ms, errors, "federation.");
  read(f, "max_backoff_ms", c.federation.max_backoff_ms, errors, "federation.");
  read(f, "request_timeout_ms", c.federation.request_timeout_ms, errors, "federation.");
  if (f && f.IsMap()) {
    c.federation.trusted_key_servers = readTrustedKeyServers(f["trusted_key_servers"], errors);
  }
}

void readHttp(const YAML::Node& http, Http& h, std::vector<std::string>& errors) {
  read(http, "worker_threads", h.worker_threads, errors, "http.");
  read(http, "reactor_threads", h.reactor_threads, errors, "http.");
  read(http, "max_json_body", h.max_json_body, errors, "http.");
  read(http, "request_timeout_ms", h.request_timeout_ms, errors, "http.");
  read(http, "outbound_threads", h.outbound_threads, errors, "http.");
  read(http, "max_request_line_bytes", h.max_request_line_bytes, errors, "http.");
  read(http, "max_header_bytes", h.max_header_bytes, errors, "http.");
  read(http, "header_timeout_ms", h.header_timeout_ms, errors, "http.");
  read(http, "body_timeout_ms", h.body_timeout_ms, errors, "http.");
  read(http, "idle_timeout_ms", h.idle_timeout_ms, errors, "http.");
  read(http, "send_timeout_ms", h.send_timeout_ms, errors, "http.");
  read(http, "max_connections", h.max_connections, errors, "http.");
  read(http, "max_connections_per_ip", h.max_connections_per_ip, errors, "http.");
}

void validateHttp(const Config& c, std::vector<std::string>& errors) {
  const Http& h = c.http;
  if (h.worker_threads < 1 || h.reactor_threads < 1) {
    errors.push_back("http: worker_threads and reactor_threads must be at least 1");
  }
  if (h.max_request_line_bytes < 256 || h.max_header_bytes < 1024 || h.max_json_body < 1024) {
    errors.push_back("http: max_request_line_bytes must be >= 256, max_header_bytes and "
                     "max_json_body >= 1024");
  }
  for (const int64_t ms : {h.request_timeout_ms, h.header_timeout_ms, h.body_timeout_ms,
                           h.idle_timeout_ms, h.send_timeout_ms}) {
    if (ms < 100) {
      errors.push_back("http: every *_timeout_ms must be at least 100");
      break;
    }
  }
  if (h.max_connections < 0 || h.max_connections_per_ip < 0) {
    errors.push_back("http: max_connections and max_connections_per_ip must be >= 0 (0: none)");
  }
  if (c.metrics_listener && (c.metrics_listener->port < 0 || c.metrics_listener->port > 65535)) {
    errors.push_back("listeners.metrics.port: must be 0..65535");
  }
}

void readSections(const YAML::Node& root, Config& c, std::vector<std::string>& errors) {
  read(root, "server_name", c.server_name, errors, "");
  read(root, "public_baseurl", c.public_baseurl, errors, "");
  read(root, "signing_key_path", c.signing_key_path, errors, "");
  read(root, "default_room_version", c.default_room_version, errors, "");
  read(root, "old_signing_keys_path", c.old_signing_keys_path, errors, "");
  readFederation(root["federation"], c, errors);
  if (root["listeners"]) {
    if (root["listeners"]["client"]) {
      c.client_listener = readListener(root["listeners"]["client"], errors, "listeners.client.");
    }
    if (root["listeners"]["federation"]) {
      c.federation_listener = readListener(root["listeners"]["federation"], errors, "listeners.federation.");
    }
    if (root["listeners"]["metrics"]) {
      c.metrics_listener = readListener(root["listeners"]["metrics"], errors, "listeners.metrics.",
                                        Listener{"127.0.0.1", kDefaultMetricsPort, "", ""});
    }
  }
  const auto db = root["database"];
  read(db, "url", c.database.url, errors, "database.");
  read(db, "pool_size", c.database.pool_size, errors, "database.");
  const auto media = root["media"];
  read(media, "store_path", c.media.store_path, errors, "media.");
  read(media, "max_upload_size", c.media.max_upload_size, errors, "media.");
  read(media, "freeze_unauthenticated", c.media.freeze_unauthenticated, errors, "media.");
  read(media, "max_image_pixels", c.media.max_image_pixels, errors, "media.");
  read(media, "thumbnail_threads", c.media.thumbnail_threads, errors, "media.");
  read(media, "thumbnailer_path", c.media.thumbnailer_path, errors, "media.");
  const auto preview = root["url_preview"];
  read(preview, "enabled", c.url_preview.enabled, errors, "url_preview.");
  read(preview, "max_size", c.url_preview.max_size, errors, "url_preview.");
  read(preview, "timeout_ms", c.url_preview.timeout_ms, errors, "url_preview.");
  read(preview, "cache_ms", c.url_preview.cache_ms, errors, "url_preview.");
  const auto reg = root["registration"];
  read(reg, "enabled", c.registration.enabled, errors, "registration.");
  read(reg, "require_registration_token", c.registration.require_registration_token, errors, "registration.");
  read(reg, "registration_tokens", c.registration.registration_tokens, errors, "registration.");
  read(reg, "require_email", c.registration.require_email, errors, "registration.");
  read(reg, "allow_guest_access", c.registration.allow_guest_access, errors, "registration.");
  const auto auth = root["auth"];
  read(auth, "access_token_lifetime_ms", c.auth.access_token_lifetime_ms, errors, "auth.");
  read(auth, "refresh_token_lifetime_ms", c.auth.refresh_token_lifetime_ms, errors, "auth.");
  read(auth, "password_ops_limit", c.auth.password_ops_limit, errors, "auth.");
  read(auth, "password_mem_limit_kib", c.auth.password_mem_limit_kib, errors, "auth.");
  read(auth, "min_password_length", c.auth.min_password_length, errors, "auth.");
  read(auth, "admins", c.auth.admins, errors, "auth.");
  const auto rl = root["rate_limits"];
  read(rl, "enabled", c.rate_limits.enabled, errors, "rate_limits.");
  c.rate_limits.login_per_ip = readRateLimit(rl, "login_per_ip", c.rate_limits.login_per_ip, errors);
  c.rate_limits.login_per_account = readRateLimit(rl, "login_per_account", c.rate_limits.login_per_account, errors);
  c.rate_limits.register_per_ip = readRateLimit(rl, "register_per_ip", c.rate_limits.register_per_ip, errors);
  c.rate_limits.messages_per_user = readRateLimit(rl, "messages_per_user", c.rate_limits.messages_per_user, errors);
  c.rate_limits.media_upload_per_user =
      readRateLimit(rl, "media_upload_per_user", c.rate_limits.media_upload_per_user, errors);
  c.rate_limits.email_per_address = readRateLimit(rl, "email_per_address", c.rate_limits.email_per_address, errors);
  c.rate_limits.email_per_ip = readRateLimit(rl, "email_per_ip", c.rate_limits.email_per_ip, errors);
  const auto smtp = root["smtp"];
  read(smtp, "host", c.smtp.host, errors, "smtp.");
  read(smtp, "port", c.smtp.port, errors, "smtp.");
  read(smtp, "security", c.smtp.security, errors, "smtp.");
  read(smtp, "username", c.smtp.username, errors, "smtp.");
  read(smtp, "password", c.smtp.password, errors, "smtp.");
  read(smtp, "from", c.smtp.from, errors, "smtp.");
  read(smtp, "ca_file", c.smtp.ca_file, errors, "smtp.");
  read(smtp, "verify_tls", c.smtp.verify_tls, errors, "smtp.");
  read(smtp, "timeout_ms", c.smtp.timeout_ms, errors, "smtp.");
  readSocialSections(root, c, errors);
  read(root["logging"], "level", c.logging.level, errors, "logging.");
  read(root["logging"], "format", c.logging.format, errors, "logging.");
  readHttp(root["http"], c.http, errors);
}

std::string joinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) {
    out += "  - " + l + "\n";
  }
  return out;
}

}  // namespace

Config parseConfig(const std::string& yaml_text, const std::string& base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(std::string("config is not valid YAML: ") + e.what());
  }
  if (!root.IsMap()) {
    throw ConfigError("config must be a YAML mapping");
  }
  Config c;
  c.config_dir = base_dir;
  std::vector<std::string> errors;
  readSections(root, c, errors);
  c.signing_key_path = resolvePath(base_dir, c.signing_key_path);
  c.old_signing_keys_path = resolvePath(base_dir, c.old_signing_keys_path);
  c.federation.ca_file = resolvePath(base_dir, c.federation.ca_file);
  if (c.federation_listener) {
    c.federation_listener->tls_cert_path = resolvePath(base_dir, c.federation_listener->tls_cert_path);
    c.federation_listener->tls_key_path = resolvePath(base_dir, c.federation_listener->tls_key_path);
  }
  c.media.store_path = resolvePath(base_dir, c.media.store_path);
  if (!c.media.thumbnailer_path.empty()) {
    c.media.thumbnailer_path = resolvePath(base_dir, c.media.thumbnailer_path);
  }
  c.email.template_path = resolvePath(base_dir, c.email.template_path);
  if (!errors.empty()) {
    throw ConfigError("config has errors:\n" + joinLines(errors));
  }
  return c;
}

void applyEnvironment(Config& c) {
  if (const char* url = std::getenv("DATABASE_URL"); url != nullptr && *url != '\0') {
    c.database.url = url;
  }
  if (const char* rl = std::getenv("PARLEY_RATE_LIMITS"); rl != nullptr && std::string(rl) == "off") {
    c.rate_limits.enabled = false;
  }
  if (const char* t = std::getenv("PARLEY_THUMBNAILER"); t != nullptr && *t != '\0') {
    c.media.thumbnailer_path = t;
  }
}

std::vector<std::string> validate(const Config& c) {
  std::vector<std::string> errors;
  if (!core::isValidServerName(c.server_name)) {
    errors.push_back("server_name: '" + c.server_name + "' is not a valid server name");
  }
  if (c.database.url.empty()) {
    errors.push_back("database.url: required (or set DATABASE_URL)");
  }
  if (c.database.pool_size < 1 || c.database.pool_size > 200) {
    errors.push_back("database.pool_size: must be 1..200");
  }
  if (c.signing_key_path.empty()) {
    errors.push_back("signing_key_path: required");
  }
  // The stable room versions this server implements (rooms::supportedRoomVersions).
  static const std::set<std::string> kRoomVersions = {"1", "2", "3", "4", "5", "6",
                                                      "7", "8", "9", "10", "11", "12"};
  if (!kRoomVersions.count(c.default_room_version)) {
    errors.push_back("default_room_version: '" + c.default_room_version + "' is not a room version 1..12");
  }
  if (c.client_listener.port < 0 || c.client_listener.port > 65535) {
    errors.push_back("listeners.client.port: must be 0..65535");
  }
  if (c.media.max_upload_size < 1) {
    errors.push_back("media.max_upload_size: must be positive");
  }
  if (c.media.max_image_pixels < 1 || c.media.thumbnail_threads < 1) {
    errors.push_back("media: max_image_pixels and thumbnail_threads must be positive");
  }
  validateHttp(c, errors);
  if (c.smtp.security != "none" && c.smtp.security != "starttls" && c.smtp.security != "tls") {
    errors.push_back("smtp.security: must be none, starttls or tls");
  }
  if (c.logging.format != "text" && c.logging.format != "json") {
    errors.push_back("logging.format: must be text or json");
  }
  if (c.registration.require_email && c.smtp.host.empty()) {
    errors.push_back("registration.require_email: needs smtp.host to send the codes");
  }
  if (c.email.max_attempts < 1 || c.email.code_lifetime_ms < 1000) {
    errors.push_back("email: max_attempts must be >= 1 and code_lifetime_ms >= 1000");
  }
  if (c.voip.turn_user_lifetime_ms < 1000) {
    errors.push_back("voip.turn_user_lifetime_ms must be at least 1000");
  }
  if (c.push.max_attempts < 1 || c.http.outbound_threads < 1) {
    errors.push_back("push.max_attempts and http.outbound_threads must be at least 1");
  }
  if (c.federation_listener) {
    const auto& l = *c.federation_listener;
    if (l.port < 0 || l.port > 65535) {
      errors.push_back("listeners.federation.port: must be 0..65535");
    }
    if (l.tls_cert_path.empty() != l.tls_key_path.empty()) {
      errors.push_back("listeners.federation: give both tls_cert_path and tls_key_path, or neither");
    }
  }
  for (const auto& cidr : c.federation.ip_range_whitelist) {
    if (!core::IpRange::parse(cidr)) {
      errors.push_back("federation.ip_range_whitelist: '" + cidr + "' is not a CIDR range");
    }
  }
  for (const auto& t : c.federation.trusted_key_servers) {
    if (!core::isValidServerName(t.server_name)) {
      errors.push_back("federation.trusted_key_servers: '" + t.server_name + "' is not a server name");
    }
  }
  if (c.federation.worker_threads < 1 || c.federation.sender_threads < 1 ||
      c.federation.initial_backoff_ms < 1 || c.federation.max_backoff_ms < c.federation.initial_backoff_ms ||
      c.federation.request_timeout_ms < 1000) {
    errors.push_back("federation: threads >= 1, 1 <= initial_backoff_ms <= max_backoff_ms, "
                     "request_timeout_ms >= 1000");
  }
  if (c.registration.require_registration_token && c.registration.registration_tokens.empty()) {
    errors.push_back("registration.registration_tokens: required when tokens are required");
  }
  return errors;
}

Config loadConfig(const std::string& path, const std::function<void(Config&)>& adjust) {
  std::ifstream in(path);
  if (!in) {
    throw ConfigError("cannot read config file " + path);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string dir = std::filesystem::absolute(path).parent_path().string();
  Config c = parseConfig(ss.str(), dir);
  applyEnvironment(c);
  if (adjust) {
    adjust(c);
  }
  if (auto errors = validate(c); !errors.empty()) {
    throw ConfigError("config " + path + " has errors:\n" + joinLines(errors));
  }
  return c;
}

}  // namespace hs::config
