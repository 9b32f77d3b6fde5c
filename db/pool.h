#pragma once
// A fixed-size PostgreSQL connection pool. A Lease returns its connection at scope exit; a
// broken connection is replaced on the next acquire.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <pqxx/connection>  // pqxx 6's connection is a typedef: it cannot be forward-declared

namespace hs::db {

// No connection became free within the acquire timeout.
class PoolExhausted : public std::runtime_error {
 public:
  PoolExhausted() : std::runtime_error("database pool exhausted") {}
};

class Pool {
 public:
  Pool(std::string url, int size, std::chrono::milliseconds acquire_timeout = std::chrono::seconds(10));
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<pqxx::connection> conn);
    Lease(Lease&& other) noexcept;
    ~Lease();
    pqxx::connection& get() { return *conn_; }

   private:
    Pool* pool_;
    std::unique_ptr<pqxx::connection> conn_;
  };

  // Waits for a free connection; throws PoolExhausted after the acquire timeout, and
  // pqxx::broken_connection when PostgreSQL cannot be reached.
  Lease acquire();
  int inUse() const;
  int size() const { return size_; }
  // True when a connection answers SELECT 1.
  bool healthy();

 private:
  void release(std::unique_ptr<pqxx::connection> conn);
  std::unique_ptr<pqxx::connection> connect();

  std::string url_;
  int size_;
  std::chrono::milliseconds acquire_timeout_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;  // guarded by mu_
  int opened_ = 0;                                       // guarded by mu_
};

}  // namespace hs::db
