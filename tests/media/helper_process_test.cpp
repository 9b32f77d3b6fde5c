#include "media/helper_process.h"

#include <gtest/gtest.h>

#include <system_error>

namespace hs::media {
namespace {

using namespace std::chrono_literals;
using End = HelperResult::End;

// Real processes, run through /bin/sh: what the thumbnailer helper could do to us.
HelperResult sh(const std::string& script, HelperLimits limits = {5s, 1 << 20}) {
  return runHelper("/bin/sh", {"-c", script}, limits);
}

TEST(RunHelper, CollectsStdoutStderrAndExitStatus) {
  const auto r = sh("printf 'hello'; echo oops >&2; exit 3");
  EXPECT_EQ(r.end, End::Exited);
  EXPECT_EQ(r.status, 3);
  EXPECT_EQ(r.out, "hello");
  EXPECT_EQ(r.err, "oops\n");
}

TEST(RunHelper, GivesACleanEnvironmentAndNoInheritedDescriptors) {
  setenv("PARLEY_SECRET_FOR_TEST", "x", 1);
  const auto r = sh("env | grep -c PARLEY_SECRET_FOR_TEST; ls /proc/self/fd | wc -l; read x; echo \"[$x]\"");
  unsetenv("PARLEY_SECRET_FOR_TEST");
  // 0 matches; stdin, stdout, stderr and the folder ls reads; stdin is empty.
  EXPECT_EQ(r.out, "0\n4\n[]\n");
}

TEST(RunHelper, ReportsACrashBySignal) {
  const auto r = sh("kill -SEGV $$");
  EXPECT_EQ(r.end, End::Crashed);
  EXPECT_EQ(r.status, SIGSEGV);
}

TEST(RunHelper, KillsAHelperThatOutlivesItsTimeLimit) {
  const auto start = std::chrono::steady_clock::now();
  const auto r = sh("exec sleep 30", {200ms, 1024});
  EXPECT_EQ(r.end, End::TimedOut);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(RunHelper, KillsAHelperThatPrintsPastTheCap) {
  const auto r = sh("exec cat /dev/zero", {5s, 100'000});
  EXPECT_EQ(r.end, End::TooMuchOutput);
  EXPECT_LE(r.out.size(), 100'000u);
}

TEST(RunHelper, ThrowsWhenTheHelperCannotBeStarted) {
  EXPECT_THROW(runHelper("/nonexistent/parley-thumbnailer", {}, {}), std::system_error);
}

}  // namespace
}  // namespace hs::media
