#pragma once
// Extra TLS trust anchors (federation.ca_file / --federation-ca), added to the system store of
// every outbound TLS connection through libcurl's SSL context callback (OpenSSL backend).
#include <memory>
#include <string>
#include <vector>

namespace hs::net {

class TlsAnchors {
 public:
  // Reads every certificate of a PEM file; throws NetError when it cannot be read or holds
  // none. An empty path gives no extra anchors.
  explicit TlsAnchors(const std::string& pem_path);
  ~TlsAnchors();
  TlsAnchors(const TlsAnchors&) = delete;
  TlsAnchors& operator=(const TlsAnchors&) = delete;
  bool empty() const { return certs_.empty(); }
  // Adds the anchors to an OpenSSL SSL_CTX's certificate store.
  void addTo(void* ssl_ctx) const;

 private:
  std::vector<void*> certs_;  // X509*
};

}  // namespace hs::net
