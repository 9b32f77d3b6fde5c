#include "homeserver/services/accounts/password_hasher.h"

#include <sodium.h>

#include <stdexcept>

namespace hs::accounts {

std::string PasswordHasher::hash(const std::string& password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops_limit_,
                            static_cast<size_t>(mem_limit_bytes_),
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("argon2id hashing failed (out of memory?)");
  }
  return out;
}

bool PasswordHasher::verify(const std::string& password, const std::string& hash) const {
  if (hash.size() >= crypto_pwhash_STRBYTES) {
    return false;
  }
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace hs::accounts
