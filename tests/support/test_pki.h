#pragma once
// A throwaway certificate authority for TLS tests, made with the openssl command line: the
// CA certificate (the trust anchor tests give as --federation-ca / extra_ca_file) and leaf
// certificates for chosen DNS names and IP addresses.
#include <string>
#include <utility>
#include <vector>

namespace hs::test {

struct IssuedCert {
  std::string cert_path;
  std::string key_path;
};

class TestPki {
 public:
  TestPki();
  ~TestPki();
  TestPki(const TestPki&) = delete;
  TestPki& operator=(const TestPki&) = delete;
  const std::string& caFile() const { return ca_cert_; }
  const std::string& dir() const { return dir_; }
  // A certificate for `names` (each a DNS name or an IP address), signed by the CA.
  IssuedCert issue(const std::string& file_stem, const std::vector<std::string>& names);
  // The same, signed by a CA nobody trusts (an impostor's certificate).
  IssuedCert issueUntrusted(const std::string& file_stem, const std::vector<std::string>& names);

 private:
  IssuedCert issueWith(const std::string& ca_stem, const std::string& file_stem,
                       const std::vector<std::string>& names);
  void makeCa(const std::string& stem);
  std::string dir_;
  std::string ca_cert_;
};

}  // namespace hs::test
