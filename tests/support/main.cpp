// Integration tests' entry: libsodium and libcurl are initialised once for every test.
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <sodium.h>
#include <spdlog/spdlog.h>

int main(int argc, char** argv) {
  if (sodium_init() < 0) {
    return 1;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  spdlog::set_level(spdlog::level::warn);
  ::testing::InitGoogleTest(&argc, argv);
  const int rc = RUN_ALL_TESTS();
  curl_global_cleanup();
  return rc;
}
