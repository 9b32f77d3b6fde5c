#include "media/content_digest.h"

#include <openssl/evp.h>

#include <stdexcept>

#include "homeserver/core/digest.h"

namespace hs::media {

namespace {
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

MdCtx newContext(const EVP_MD* md) {
  MdCtx c(EVP_MD_CTX_new());
  if (!c || EVP_DigestInit_ex(c.get(), md, nullptr) != 1) {
    throw std::runtime_error("EVP_DigestInit_ex failed");
  }
  return c;
}

std::string finish(EVP_MD_CTX* c) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(c, out, &len) != 1) {
    throw std::runtime_error("EVP_DigestFinal_ex failed");
  }
  return core::toHex(std::string_view(reinterpret_cast<const char*>(out), len));
}
}  // namespace

struct ContentDigest::Contexts {
  MdCtx sha256 = newContext(EVP_sha256());
  MdCtx md5 = newContext(EVP_md5());
};

ContentDigest::ContentDigest() : ctx_(std::make_unique<Contexts>()) {}
ContentDigest::~ContentDigest() = default;

void ContentDigest::update(std::string_view bytes) {
  if (EVP_DigestUpdate(ctx_->sha256.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestUpdate(ctx_->md5.get(), bytes.data(), bytes.size()) != 1) {
    throw std::runtime_error("EVP_DigestUpdate failed");
  }
}

void ContentDigest::updateSha256(std::string_view bytes) {
  if (EVP_DigestUpdate(ctx_->sha256.get(), bytes.data(), bytes.size()) != 1) {
    throw std::runtime_error("EVP_DigestUpdate failed");
  }
}

void ContentDigest::updateMd5(std::string_view bytes) {
  if (EVP_DigestUpdate(ctx_->md5.get(), bytes.data(), bytes.size()) != 1) {
    throw std::runtime_error("EVP_DigestUpdate failed");
  }
}

std::string ContentDigest::sha256Hex() { return finish(ctx_->sha256.get()); }
std::string ContentDigest::md5Hex() { return finish(ctx_->md5.get()); }

}  // namespace hs::media
