#include "db/pool.h"

#include <pqxx/pqxx>
#include <stdexcept>

#include "db/prepared.h"

namespace hs::db {

Pool::Pool(std::string url, int size, std::chrono::milliseconds acquire_timeout)
    : url_(std::move(url)), size_(size), acquire_timeout_(acquire_timeout) {
  // Open one connection now so a wrong URL fails at startup, not at the first request.
  idle_.push_back(connect());
  opened_ = 1;
}

Pool::~Pool() = default;

std::unique_ptr<pqxx::connection> Pool::connect() {
  auto conn = std::make_unique<pqxx::connection>(url_);
  for (const auto& p : preparedStatements()) {
    conn->prepare(p.name, p.sql);  // sent to the server on first use only
  }
  return conn;
}

Pool::Lease Pool::acquire() {
  std::unique_lock lock(mu_);
  const bool ok = cv_.wait_for(lock, acquire_timeout_, [this] { return !idle_.empty() || opened_ < size_; });
  if (!ok) {
    throw PoolExhausted();
  }
  std::unique_ptr<pqxx::connection> conn;
  if (!idle_.empty()) {
    conn = std::move(idle_.back());
    idle_.pop_back();
  } else {
    ++opened_;
  }
  lock.unlock();
  if (conn && conn->is_open()) {
    return Lease(*this, std::move(conn));
  }
  // A new connection, or one replacing a closed one in its slot. When PostgreSQL is down the
  // slot is given back, so the pool recovers fully once it is up again.
  try {
    return Lease(*this, connect());
  } catch (...) {
    std::lock_guard relock(mu_);
    --opened_;
    cv_.notify_one();
    throw;
  }
}

void Pool::release(std::unique_ptr<pqxx::connection> conn) {
  {
    std::lock_guard lock(mu_);
    if (conn && conn->is_open()) {
      idle_.push_back(std::move(conn));
    } else {
      --opened_;  // a broken connection is dropped; a new one is opened on demand
    }
  }
  cv_.notify_one();
}

int Pool::inUse() const {
  std::lock_guard lock(mu_);
  return opened_ - static_cast<int>(idle_.size());
}

bool Pool::healthy() {
  try {
    auto lease = acquire();
    pqxx::nontransaction tx(lease.get());
    tx.exec("SELECT 1");
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

Pool::Lease::Lease(Pool& pool, std::unique_ptr<pqxx::connection> conn)
    : pool_(&pool), conn_(std::move(conn)) {}

Pool::Lease::Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(std::move(other.conn_)) {}

Pool::Lease::~Lease() {
  if (conn_) {
    pool_->release(std::move(conn_));
  }
}

}  // namespace hs::db
