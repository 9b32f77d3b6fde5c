#include "homeserver/http/connection_limits.h"

#include <sys/resource.h>

#include <algorithm>

namespace hs::http {

size_t ConnectionLimits::raiseOpenFileLimit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) {
    return 1024;
  }
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit raised = lim;
    raised.rlim_cur = lim.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) {
      lim = raised;
    }
  }
  return lim.rlim_cur == RLIM_INFINITY ? size_t{1} << 20 : static_cast<size_t>(lim.rlim_cur);
}

namespace {
size_t totalCap(size_t configured) {
  const size_t files = ConnectionLimits::raiseOpenFileLimit();
  const size_t by_files = files > 2 * kReservedFds ? files - kReservedFds : files / 2;
  return configured == 0 ? by_files : std::min(configured, by_files);
}
}  // namespace

ConnectionLimits::ConnectionLimits(size_t max_total, size_t max_per_address)
    : max_total_(totalCap(max_total)), max_per_address_(max_per_address) {}

ConnectionLimits::Verdict ConnectionLimits::admit(const std::string& address) {
  std::lock_guard lock(mu_);
  if (open_ >= max_total_) {
    return Verdict::OverTotal;
  }
  size_t& mine = per_address_[address];
  if (max_per_address_ != 0 && mine >= max_per_address_) {
    if (mine == 0) {
      per_address_.erase(address);
    }
    return Verdict::OverAddress;
  }
  ++mine;
  ++open_;
  ++admitted_;
  return Verdict::Admitted;
}

void ConnectionLimits::release(const std::string& address) {
  std::lock_guard lock(mu_);
  auto it = per_address_.find(address);
  if (it != per_address_.end() && --it->second == 0) {
    per_address_.erase(it);
  }
  --open_;
}

size_t ConnectionLimits::open() const {
  std::lock_guard lock(mu_);
  return open_;
}

size_t ConnectionLimits::admittedSinceStart() const {
  std::lock_guard lock(mu_);
  return admitted_;
}

}  // namespace hs::http
