#include "tests/support/test_pki.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "homeserver/core/ip_range.h"
#include "homeserver/core/random.h"

namespace hs::test {

namespace {
void run(const std::string& command) {
  if (std::system((command + " >/dev/null 2>&1").c_str()) != 0) {
    throw std::runtime_error("failed: " + command);
  }
}
}  // namespace

TestPki::TestPki() {
  core::SodiumRandom random;
  dir_ = (std::filesystem::temp_directory_path() / ("parley-pki-" + random.alnum(10))).string();
  std::filesystem::create_directories(dir_);
  makeCa("ca");
  makeCa("rogue_ca");
  ca_cert_ = dir_ + "/ca.crt";
}

TestPki::~TestPki() { std::filesystem::remove_all(dir_); }

void TestPki::makeCa(const std::string& stem) {
  run("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj '/CN=Parley Test " +
      stem + "' -keyout " + dir_ + "/" + stem + ".key -out " + dir_ + "/" + stem + ".crt");
}

IssuedCert TestPki::issueWith(const std::string& ca_stem, const std::string& file_stem,
                              const std::vector<std::string>& names) {
  std::string san;
  for (const auto& n : names) {
    san += (san.empty() ? "" : ",") + std::string(core::IpAddress::parse(n) ? "IP:" : "DNS:") + n;
  }
  const std::string base = dir_ + "/" + file_stem;
  run("openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/CN=" + names.front() +
      "' -addext 'subjectAltName=" + san + "' -keyout " + base + ".key -out " + base + ".csr");
  run("openssl x509 -req -in " + base + ".csr -CA " + dir_ + "/" + ca_stem + ".crt -CAkey " + dir_ + "/" +
      ca_stem + ".key -CAcreateserial -days 2 -copy_extensions copy -out " + base + ".crt");
  return {base + ".crt", base + ".key"};
}

IssuedCert TestPki::issue(const std::string& file_stem, const std::vector<std::string>& names) {
  return issueWith("ca", file_stem, names);
}

IssuedCert TestPki::issueUntrusted(const std::string& file_stem, const std::vector<std::string>& names) {
  return issueWith("rogue_ca", file_stem, names);
}

}  // namespace hs::test
