#pragma once
// Runs a helper executable to completion: a clean argv and an empty environment, stdin from
// /dev/null, no descriptor of ours inherited, default signal dispositions and an empty signal
// mask (the server ignores SIGPIPE and blocks SIGTERM, which exec would otherwise pass on).
// stdout is collected up to a cap and stderr up to a few KiB; the process is killed when it
// outlives its time limit or prints past the cap. Thread-safe: each call owns its pipes.
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace hs::media {

struct HelperLimits {
  std::chrono::milliseconds timeout{30'000};
  size_t max_output = 0;  // bytes of stdout
};

struct HelperResult {
  enum class End { Exited, Crashed, TimedOut, TooMuchOutput };
  End end = End::Exited;
  int status = 0;  // the exit status when Exited, the signal when Crashed
  std::string out;
  std::string err;  // the first few KiB
};

// Throws std::system_error when the helper cannot be started (missing, not executable).
HelperResult runHelper(const std::string& path, const std::vector<std::string>& args,
                       const HelperLimits& limits);

}  // namespace hs::media
