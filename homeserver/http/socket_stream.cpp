#include "homeserver/http/socket_stream.h"

#include <errno.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace hs::http {

namespace {
// One TLS record at most per SSL_write, so a write is all or nothing and a retry after
// WANT_WRITE passes the same bytes, as OpenSSL requires.
constexpr size_t kTlsWriteSize = 16 * 1024;

std::string opensslReason() {
  const unsigned long e = ERR_get_error();
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return e == 0 ? "unknown error" : buf;
}

IoResult errnoResult() {
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
    return {Io::WouldBlock, 0};
  }
  if (errno == EPIPE || errno == ECONNRESET) {
    return {Io::Closed, 0};
  }
  return {Io::Failed, 0};
}
}  // namespace

TlsContext::TlsContext(const std::string& cert_chain_path, const std::string& key_path)
    : ctx_(SSL_CTX_new(TLS_server_method())) {
  if (ctx_ == nullptr) {
    throw std::runtime_error("TLS: " + opensslReason());
  }
  SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
  SSL_CTX_set_options(ctx_, SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_mode(ctx_, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
  if (SSL_CTX_use_certificate_chain_file(ctx_, cert_chain_path.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx_, key_path.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx_) != 1) {
    const std::string reason = opensslReason();
    SSL_CTX_free(ctx_);
    throw std::runtime_error("TLS certificate " + cert_chain_path + " / key " + key_path + ": " +
                             reason);
  }
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

SSL* TlsContext::newSession(int fd) const {
  SSL* ssl = SSL_new(ctx_);
  if (ssl == nullptr || SSL_set_fd(ssl, fd) != 1) {
    SSL_free(ssl);
    return nullptr;
  }
  SSL_set_accept_state(ssl);
  return ssl;
}

SocketStream::SocketStream(int fd, SSL* ssl) : fd_(fd), ssl_(ssl), established_(ssl == nullptr) {}

SocketStream::~SocketStream() {
  SSL_free(ssl_);
  ::close(fd_);
}

IoResult SocketStream::tlsResult(int rc, size_t ok_bytes) {
  if (rc > 0) {
    return {Io::Done, ok_bytes};
  }
  switch (SSL_get_error(ssl_, rc)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      return {Io::WouldBlock, 0};
    case SSL_ERROR_ZERO_RETURN:
      return {Io::Closed, 0};
    case SSL_ERROR_SYSCALL:
      return errno == 0 ? IoResult{Io::Closed, 0} : errnoResult();
    default:
      ERR_clear_error();
      return {Io::Failed, 0};
  }
}

Io SocketStream::handshake() {
  if (established_) {
    return Io::Done;
  }
  ERR_clear_error();
  errno = 0;
  const int rc = SSL_do_handshake(ssl_);
  if (rc == 1) {
    established_ = true;
    return Io::Done;
  }
  const IoResult r = tlsResult(rc, 0);
  return r.status == Io::Closed ? Io::Failed : r.status;
}

IoResult SocketStream::read(char* buf, size_t len) {
  if (ssl_ == nullptr) {
    const ssize_t n = ::recv(fd_, buf, len, 0);
    if (n > 0) {
      return {Io::Done, static_cast<size_t>(n)};
    }
    return n == 0 ? IoResult{Io::Closed, 0} : errnoResult();
  }
  ERR_clear_error();
  errno = 0;
  const int n = SSL_read(ssl_, buf, static_cast<int>(std::min<size_t>(len, 1 << 30)));
  return tlsResult(n, n > 0 ? static_cast<size_t>(n) : 0);
}

IoResult SocketStream::write(const char* buf, size_t len) {
  if (ssl_ == nullptr) {
    const ssize_t n = ::send(fd_, buf, len, MSG_NOSIGNAL);
    return n >= 0 ? IoResult{Io::Done, static_cast<size_t>(n)} : errnoResult();
  }
  ERR_clear_error();
  errno = 0;
  const int chunk = static_cast<int>(std::min(len, kTlsWriteSize));
  const int n = SSL_write(ssl_, buf, chunk);
  return tlsResult(n, n > 0 ? static_cast<size_t>(n) : 0);
}

IoResult SocketStream::sendFile(int file_fd, off_t offset, size_t len) {
  if (ssl_ == nullptr) {
    off_t off = offset;
    const ssize_t n = ::sendfile(fd_, file_fd, &off, len);
    return n >= 0 ? IoResult{Io::Done, static_cast<size_t>(n)} : errnoResult();
  }
  // A retry after WANT_WRITE must offer the same bytes: they stay in file_buffer_ until taken.
  if (file_buffered_ == 0) {
    if (!file_buffer_) {
      file_buffer_ = std::make_unique<char[]>(kTlsWriteSize);
    }
    const ssize_t n = ::pread(file_fd, file_buffer_.get(), std::min(len, kTlsWriteSize), offset);
    if (n <= 0) {
      return {Io::Failed, 0};  // the file shrank under us, or a read error
    }
    file_buffered_ = static_cast<size_t>(n);
  }
  const IoResult r = write(file_buffer_.get(), file_buffered_);
  if (r.status == Io::Done) {
    file_buffered_ = 0;
  }
  return r;
}

bool SocketStream::hasBufferedInput() const { return ssl_ != nullptr && SSL_pending(ssl_) > 0; }

void SocketStream::shutdownWrite() {
  if (ssl_ != nullptr && established_) {
    ERR_clear_error();
    SSL_shutdown(ssl_);  // best effort: the close_notify may not fit in the socket buffer
  }
  ::shutdown(fd_, SHUT_WR);
}

}  // namespace hs::http
