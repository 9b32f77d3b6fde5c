#include "federation/listener_tls.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "homeserver/core/ip_range.h"

namespace hs::fed {

namespace {
struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(X509* p) const { X509_free(p); }
  void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
  void operator()(FILE* f) const { std::fclose(f); }
};

void check(bool ok, const char* what) {
  if (!ok) {
    throw std::runtime_error(std::string("generating the TLS certificate: ") + what + " failed");
  }
}

std::unique_ptr<X509, Free> selfSigned(EVP_PKEY* key, const std::string& host) {
  std::unique_ptr<X509, Free> cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(std::time(nullptr)));
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 10L * 365 * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(host.c_str()), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  const std::string san = (core::IpAddress::parse(host) ? "IP:" : "DNS:") + host;
  std::unique_ptr<X509_EXTENSION, Free> ext(
      X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, san.c_str()));
  check(ext != nullptr && X509_add_ext(cert.get(), ext.get(), -1) == 1, "subjectAltName");
  check(X509_sign(cert.get(), key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}
}  // namespace

bool ensureSelfSignedCertificate(const std::string& cert_path, const std::string& key_path,
                                 const std::string& host) {
  if (std::filesystem::exists(cert_path) && std::filesystem::exists(key_path)) {
    return false;
  }
  std::unique_ptr<EVP_PKEY, Free> key(EVP_EC_gen("P-256"));
  check(key != nullptr, "EVP_EC_gen");
  const auto cert = selfSigned(key.get(), host);
  const mode_t old_mask = umask(077);
  std::unique_ptr<FILE, Free> key_file(std::fopen(key_path.c_str(), "w"));
  umask(old_mask);
  check(key_file != nullptr, ("opening " + key_path).c_str());
  check(PEM_write_PrivateKey(key_file.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "writing the key");
  std::unique_ptr<FILE, Free> cert_file(std::fopen(cert_path.c_str(), "w"));
  check(cert_file != nullptr, ("opening " + cert_path).c_str());
  check(PEM_write_X509(cert_file.get(), cert.get()) == 1, "writing the certificate");
  return true;
}

}  // namespace hs::fed
