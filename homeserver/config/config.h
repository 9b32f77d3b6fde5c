#pragma once
// The homeserver's configuration: one struct per area, read from one YAML file.
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace hs::config {

struct Listener {
  std::string bind_address = "127.0.0.1";
  int port = 8008;
  std::string tls_cert_path;  // federation only; empty means plain HTTP
  std::string tls_key_path;
};

struct Database {
  std::string url;
  int pool_size = 10;
};

struct Media {
  std::string store_path = "media_store";
  int64_t max_upload_size = 50 * 1024 * 1024;
  bool freeze_unauthenticated = false;  // legacy /_matrix/media/*/download refuses new uploads
  // Images with more pixels (all frames counted) are never decoded: decompression bombs.
  int64_t max_image_pixels = 32 * 1000 * 1000;
  int thumbnail_threads = 2;  // the thumbnailer pool; thumbnails never run on request threads
  // The parley-thumbnailer helper; empty: next to the server's executable. The environment
  // variable PARLEY_THUMBNAILER overrides both.
  std::string thumbnailer_path;
};

// GET /preview_url (media/url_preview): off by default, as in Synapse.
struct UrlPreview {
  bool enabled = false;
  int64_t max_size = 10 * 1024 * 1024;  // bytes of a page read at most
  int64_t timeout_ms = 10000;           // one fetch, redirects included each
  int64_t cache_ms = 3600 * 1000;       // how long a preview is served from memory
};

struct Registration {
  bool enabled = true;
  bool require_registration_token = false;
  std::vector<std::string> registration_tokens;
  bool require_email = false;
  // POST /register?kind=guest (spec "Guest access"); off as in Synapse's default.
  bool allow_guest_access = false;
};

struct Auth {
  // Access tokens of clients that ask for a refresh token expire after this; other clients'
  // tokens never expire (as in Synapse).
  int64_t access_token_lifetime_ms = 5 * 60 * 1000;
  int64_t refresh_token_lifetime_ms = 30LL * 24 * 3600 * 1000;
  // argon2id cost (libsodium crypto_pwhash_str); defaults are libsodium's "interactive".
  uint64_t password_ops_limit = 2;
  uint64_t password_mem_limit_kib = 64 * 1024;
  size_t min_password_length = 8;
  // Server admins: user ids allowed the client API's admin endpoints (GET /admin/whois).
  std::vector<std::string> admins;
};

struct RateLimit {
  double per_second = 0.2;
  double burst = 5;
};

struct RateLimits {
  bool enabled = true;
  RateLimit login_per_ip{0.5, 10};
  RateLimit login_per_account{0.2, 5};
  RateLimit register_per_ip{0.2, 5};
  RateLimit messages_per_user{10, 50};
  RateLimit media_upload_per_user{2, 20};  // POST /upload and POST /create
  RateLimit email_per_address{1.0 / 60, 3};  // verification emails to one address
  RateLimit email_per_ip{0.1, 10};
};

struct Smtp {
  std::string host;  // empty: email sending disabled
  int port = 25;
  std::string security = "none";  // none | starttls | tls
  std::string username;
  std::string password;
  std::string from = "Parley <noreply@localhost>";
  std::string ca_file;     // empty: the system's CA store
  bool verify_tls = true;
  int64_t timeout_ms = 15000;
};

// Verification emails (requestToken): the message and the code's limits.
struct Email {
  std::string subject = "Your verification code";
  // A text file with {code}, {link}, {server_name}, {purpose} and {address} placeholders;
  // empty: the built-in text.
  std::string template_path;
  int64_t code_lifetime_ms = 15 * 60 * 1000;
  int max_attempts = 5;
};

// HTTP pushers: POSTs to push gateways, retried with exponential backoff.
struct Push {
  int64_t timeout_ms = 10000;
  int max_attempts = 5;
  int64_t initial_backoff_ms = 1000;
  int64_t max_backoff_ms = 5 * 60 * 1000;
};

// GET /voip/turnServer: TURN servers with time-limited credentials (the TURN REST API that
// coturn's use-auth-secret speaks). Without uris and a secret the answer is {}.
struct Voip {
  std::vector<std::string> turn_uris;
  std::string turn_shared_secret;
  int64_t turn_user_lifetime_ms = 24 * 60 * 60 * 1000;
};

struct Logging {
  std::string level = "info";   // trace|debug|info|warn|error
  std::string format = "text";  // text | json
};

// The HTTP listeners (README, "HTTP"): limits on what a request may send and how long each
// phase of it may take.
struct Http {
  int worker_threads = 16;     // request handlers; blocking work runs here, not on the reactor
  int reactor_threads = 2;     // I/O threads: read, frame, write
  int64_t max_json_body = 1024 * 1024;
  // A handler's deadline: past it the client gets 504. Long-polls (/sync, waits for pending
  // media) are answered by their own timeout instead, at most 5 minutes.
  int64_t request_timeout_ms = 60000;
  int outbound_threads = 4;  // SMTP and push gateway calls, off the request threads
  int64_t max_request_line_bytes = 8 * 1024;  // past it: 414
  int64_t max_header_bytes = 32 * 1024;       // all header lines together; past it: 431
  int64_t header_timeout_ms = 10000;  // the request line and headers, from their first byte
  int64_t body_timeout_ms = 60000;    // silence allowed between two pieces of a body
  int64_t idle_timeout_ms = 75000;    // a keep-alive connection with no request is closed
  int64_t send_timeout_ms = 60000;    // a client reading nothing of its answer is dropped
  // Open connections per listener; 0: the open-file limit less 512. At the cap the oldest
  // idle keep-alive connection is closed to make room; with none idle, 503 and close.
  int64_t max_connections = 0;
  int64_t max_connections_per_ip = 1000;  // 0: no per-address cap; past it: 503 and close
};

// A notary asked for other servers' keys (Synapse's trusted_key_servers). Without verify_keys
// its own keys are fetched from it like any server's.
struct TrustedKeyServer {
  std::string server_name;
  std::vector<std::pair<std::string, std::string>> verify_keys;  // key id -> unpadded base64
};

// Server-to-server traffic, inbound and outbound.
struct Federation {
  // Extra trust anchors (PEM) for every outbound TLS connection (federation, push gateways);
  // the system store is always trusted too. There is no switch that disables verification.
  std::string ca_file;
  // Outbound requests to private, loopback and link-local ranges are refused unless the
  // resolved address is in one of these CIDRs.
  std::vector<std::string> ip_range_whitelist;
  std::vector<TrustedKeyServer> trusted_key_servers;
  int worker_threads = 8;       // handlers of the federation listener
  int sender_threads = 2;       // database work of the outbound sender
  int64_t initial_backoff_ms = 5000;  // a destination's first retry delay, doubling per failure
  int64_t max_backoff_ms = 30 * 60 * 1000;
  int64_t request_timeout_ms = 60000;  // one outbound federation request, connect included
};

struct Config {
  std::string server_name;
  std::string config_dir;  // the config file's folder (generated TLS files go there)
  std::string public_baseurl;
  Listener client_listener;
  std::optional<Listener> federation_listener;
  // GET /metrics (Prometheus) is served only here; off unless configured, on 127.0.0.1 by
  // default. /health stays on the client listener.
  std::optional<Listener> metrics_listener;
  Database database;
  std::string signing_key_path;
  // Public halves of rotated signing keys, one `ed25519 <version> <key> <expired_ts>` line each
  // (written by `parley --rotate-signing-key`); published as old_verify_keys. Optional file.
  std::string old_signing_keys_path;
  Federation federation;
  Media media;
  UrlPreview url_preview;
  Registration registration;
  Auth auth;
  RateLimits rate_limits;
  Smtp smtp;
  Email email;
  Push push;
  Voip voip;
  Logging logging;
  Http http;
  std::string default_room_version = "11";  // for rooms created without room_version
};

// Reads a config file; relative paths are resolved against the file's folder. Applies the
// environment overrides DATABASE_URL and PARLEY_RATE_LIMITS=off. Throws ConfigError with
// every problem found, one per line.
// `adjust` (command-line flags) runs after the environment overrides, before validation.
Config loadConfig(const std::string& path, const std::function<void(Config&)>& adjust = {});
Config parseConfig(const std::string& yaml_text, const std::string& base_dir);
void applyEnvironment(Config& config);
// Every problem, empty when the config is usable.
std::vector<std::string> validate(const Config& config);

// The commented YAML written by --generate-config.
// federation_port 0: the federation listener is left commented out.
std::string defaultConfigYaml(const std::string& server_name, int port,
                              const std::string& database_url, int federation_port = 0);

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace hs::config
