#pragma once
// Caps on open connections, in total and per client address, shared by a listener's reactors.
// At the total cap a reactor first closes one of its idle keep-alive connections to make room
// (a client that reconnects loses nothing); only when none is idle is the new connection
// refused. Past the per-address cap a new connection is refused. A refused plain-HTTP client
// gets a 503 M_UNKNOWN "Too many connections" and the connection is closed.
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace hs::http {

// File descriptors kept for everything but client connections (database, media files, logs)
// when the total cap comes from the open-file limit.
inline constexpr size_t kReservedFds = 512;

class ConnectionLimits {
 public:
  enum class Verdict { Admitted, OverTotal, OverAddress };

  // max_total 0: the open-file limit (raised to its hard limit first) less kReservedFds.
  // max_per_address 0: no per-address cap.
  ConnectionLimits(size_t max_total, size_t max_per_address);

  Verdict admit(const std::string& address);
  void release(const std::string& address);
  size_t open() const;
  size_t admittedSinceStart() const;  // every connection admitted, closed ones included
  size_t maxTotal() const { return max_total_; }

  // Raises this process's soft open-file limit to the hard one; returns the new soft limit.
  static size_t raiseOpenFileLimit();

 private:
  const size_t max_total_;
  const size_t max_per_address_;
  mutable std::mutex mu_;
  size_t open_ = 0;                                   // guarded by mu_
  size_t admitted_ = 0;                               // guarded by mu_
  std::unordered_map<std::string, size_t> per_address_;  // guarded by mu_
};

}  // namespace hs::http
