#pragma once
// The federation listener's certificate: the operator's (--tls-cert/--tls-key), or a
// self-signed one generated on first run into the data dir, for the server name's host.
#include <string>

namespace hs::fed {

// Writes a self-signed certificate (EC P-256, 10 years, subjectAltName for `host`, an IP or a
// DNS name) and its key (mode 0600) unless both files exist. Throws std::runtime_error.
// Returns true when it generated them.
bool ensureSelfSignedCertificate(const std::string& cert_path, const std::string& key_path,
                                 const std::string& host);

}  // namespace hs::fed
