#include "homeserver/net/tls_anchors.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "homeserver/net/outbound_client.h"

namespace hs::net {

TlsAnchors::TlsAnchors(const std::string& pem_path) {
  if (pem_path.empty()) {
    return;
  }
  BIO* bio = BIO_new_file(pem_path.c_str(), "r");
  if (bio == nullptr) {
    throw NetError("cannot read the CA file " + pem_path);
  }
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    certs_.push_back(cert);
  }
  BIO_free(bio);
  ERR_clear_error();  // the loop ends on "no start line"
  if (certs_.empty()) {
    throw NetError("the CA file " + pem_path + " holds no PEM certificate");
  }
}

TlsAnchors::~TlsAnchors() {
  for (void* c : certs_) {
    X509_free(static_cast<X509*>(c));
  }
}

void TlsAnchors::addTo(void* ssl_ctx) const {
  X509_STORE* store = SSL_CTX_get_cert_store(static_cast<SSL_CTX*>(ssl_ctx));
  for (void* c : certs_) {
    X509_STORE_add_cert(store, static_cast<X509*>(c));  // a duplicate is harmless
  }
  ERR_clear_error();
}

}  // namespace hs::net
