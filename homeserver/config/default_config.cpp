#include <string>

#include "homeserver/config/config.h"

namespace hs::config {

std::string defaultConfigYaml(const std::string& server_name, int port,
                              const std::string& database_url, int federation_port) {
  std::string y;
  y += "# Parley homeserver configuration. Relative paths are relative to this file.\n\n";
  y += "# The domain part of your users' ids (@alice:" + server_name + "). Cannot change later.\n";
  y += "server_name: \"" + server_name + "\"\n";
  y += "# The URL clients use to reach this server (advertised in .well-known).\n";
  y += "public_baseurl: \"http://127.0.0.1:" + std::to_string(port) + "/\"\n\n";
  y += "listeners:\n";
  y += "  # Client-Server API and media.\n";
  y += "  client:\n    bind_address: 127.0.0.1\n    port: " + std::to_string(port) + "\n";
  const std::string fed = federation_port != 0 ? "" : "# ";
  y += "  # Server-Server API and /_matrix/key over HTTPS. Without tls_cert_path/tls_key_path a\n";
  y += "  # self-signed certificate is generated next to this file on first run.\n";
  y += "  " + fed + "federation:\n  " + fed + "  bind_address: 0.0.0.0\n";
  y += "  " + fed + "  port: " + std::to_string(federation_port != 0 ? federation_port : 8448) + "\n";
  y += "  #   tls_cert_path: tls.crt\n  #   tls_key_path: tls.key\n";
  y += "  # Prometheus GET /metrics, served only here; uncomment to enable (keep it local).\n";
  y += "  # metrics:\n  #   bind_address: 127.0.0.1\n  #   port: 9092\n\n";
  y += "# Outbound federation (and push gateways): extra CA anchors besides the system store;\n";
  y += "# CIDRs exempt from the refusal of private/loopback/link-local addresses; notaries.\n";
  y += "federation:\n  ca_file: \"\"\n  ip_range_whitelist: []\n";
  y += "  trusted_key_servers: []  # e.g. [{server_name: matrix.org}]\n";
  y += "  worker_threads: 8\n  sender_threads: 2\n";
  y += "  initial_backoff_ms: 5000  # a dead destination is retried after this, doubling\n";
  y += "  max_backoff_ms: 1800000\n  request_timeout_ms: 60000\n";
  y += "# Public halves of rotated signing keys (parley --rotate-signing-key appends to it).\n";
  y += "old_signing_keys_path: old_signing.keys\n\n";
  y += "database:\n";
  y += "  # libpq connection URL. The environment variable DATABASE_URL overrides it.\n";
  y += "  url: \"" + database_url + "\"\n  pool_size: 10\n\n";
  y += "# ed25519 key that signs events and federation requests (generated with this file).\n";
  y += "signing_key_path: signing.key\n\n";
  y += "# The room version of new rooms when the client asks for none (1 to 12 are supported).\n";
  y += "default_room_version: \"11\"\n\n";
  y += "media:\n  store_path: media_store\n  max_upload_size: 52428800  # bytes (50 MiB)\n";
  y += "  # When true, the legacy unauthenticated download endpoints refuse new uploads.\n";
  y += "  freeze_unauthenticated: false\n";
  y += "  # Images with more pixels than this (all frames) are never decoded or thumbnailed.\n";
  y += "  max_image_pixels: 32000000\n  thumbnail_threads: 2\n";
  y += "  # Thumbnails are made by this helper, one process per image; by default the\n";
  y += "  # parley-thumbnailer next to the parley executable.\n";
  y += "  # thumbnailer_path: /usr/local/bin/parley-thumbnailer\n\n";
  y += "# GET /preview_url: pages are fetched through the outbound client; private and loopback\n";
  y += "# addresses only as federation.ip_range_whitelist allows.\n";
  y += "url_preview:\n  enabled: false\n  max_size: 10485760\n  timeout_ms: 10000\n  cache_ms: 3600000\n\n";
  y += "registration:\n  enabled: true\n  require_registration_token: false\n";
  y += "  registration_tokens: []\n  require_email: false\n";
  y += "  # POST /register?kind=guest: guest accounts, limited to the spec's guest routes.\n";
  y += "  allow_guest_access: false\n\n";
  y += "auth:\n  # Access tokens of clients that ask for refresh tokens expire after this; other\n";
  y += "  # clients' tokens never expire.\n";
  y += "  access_token_lifetime_ms: 300000\n  refresh_token_lifetime_ms: 2592000000\n";
  y += "  # argon2id cost (libsodium crypto_pwhash): operations and memory in KiB.\n";
  y += "  password_ops_limit: 2\n  password_mem_limit_kib: 65536\n  min_password_length: 8\n";
  y += "  # Server admins (user ids): GET /admin/whois of any user.\n  admins: []\n\n";
  y += "# Token buckets: per_second refill and burst size. PARLEY_RATE_LIMITS=off disables all.\n";
  y += "rate_limits:\n  enabled: true\n";
  y += "  login_per_ip: {per_second: 0.5, burst: 10}\n";
  y += "  login_per_account: {per_second: 0.2, burst: 5}\n";
  y += "  register_per_ip: {per_second: 0.2, burst: 5}\n";
  y += "  messages_per_user: {per_second: 10, burst: 50}\n";
  y += "  media_upload_per_user: {per_second: 2, burst: 20}\n\n";
  y += "  email_per_address: {per_second: 0.0167, burst: 3}\n";
  y += "  email_per_ip: {per_second: 0.1, burst: 10}\n\n";
  y += "# Outgoing email (verification codes). Empty host: email disabled.\n";
  y += "smtp:\n  host: \"\"\n  port: 25\n  security: none  # none | starttls | tls\n";
  y += "  username: \"\"\n  password: \"\"\n  from: \"Parley <noreply@" + server_name + ">\"\n";
  y += "  ca_file: \"\"  # empty: the system's CA store\n  verify_tls: true\n  timeout_ms: 15000\n\n";
  y += "# Verification emails. template_path: a text file with {code}, {link}, {server_name},\n";
  y += "# {purpose} and {address} placeholders (empty: the built-in text).\n";
  y += "email:\n  subject: \"Your verification code\"\n  template_path: \"\"\n";
  y += "  code_lifetime_ms: 900000\n  max_attempts: 5\n\n";
  y += "# HTTP pushers: gateway calls are retried with exponential backoff.\n";
  y += "push:\n  timeout_ms: 10000\n  max_attempts: 5\n  initial_backoff_ms: 1000\n  max_backoff_ms: 300000\n\n";
  y += "# VoIP: TURN servers handed to clients by GET /voip/turnServer, with credentials made from\n"
       "# the secret coturn's static-auth-secret shares. Without both, clients get {}.\n";
  y += "voip:\n  turn_uris: []\n  # turn_shared_secret: \"\"\n  turn_user_lifetime_ms: 86400000\n\n";
  y += "logging:\n  level: info   # trace | debug | info | warn | error\n  format: text  # text | json\n\n";
  y += "# HTTP limits (README, \"HTTP\"). Timeouts: a handler's answer (504 past it; long-polls\n";
  y += "# such as /sync use their own timeout, at most 5 minutes), the request line and headers\n";
  y += "# from their first byte (408), silence within a body (408), an idle keep-alive\n";
  y += "# connection, a client reading nothing of its answer.\n";
  y += "http:\n  worker_threads: 16\n  reactor_threads: 2\n  max_json_body: 1048576\n";
  y += "  request_timeout_ms: 60000\n  outbound_threads: 4\n";
  y += "  max_request_line_bytes: 8192  # 414 past it\n  max_header_bytes: 32768  # 431 past it\n";
  y += "  header_timeout_ms: 10000\n  body_timeout_ms: 60000\n  idle_timeout_ms: 75000\n";
  y += "  send_timeout_ms: 60000\n";
  y += "  # Open connections: 0 = the open-file limit less 512. At the cap the oldest idle\n";
  y += "  # connection is closed to make room, or the new one gets 503 when none is idle.\n";
  y += "  max_connections: 0\n  max_connections_per_ip: 1000  # 0: no per-address cap\n";
  return y;
}

}  // namespace hs::config
