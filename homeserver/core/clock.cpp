#include "homeserver/core/clock.h"

#include <chrono>

namespace hs::core {

int64_t SystemClock::nowMs() const {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace hs::core
