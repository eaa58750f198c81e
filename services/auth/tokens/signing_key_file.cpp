#include "auth/tokens/signing_key_file.hpp"

#include "common/core/text.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace auth {
namespace {

std::runtime_error io_error(const std::string& what, const std::string& path) {
  return std::runtime_error(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

bool generate_signing_key_file(const std::string& path) {
  struct stat existing {};
  if (::stat(path.c_str(), &existing) == 0) return false;

  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  if (!key) throw std::runtime_error("cannot generate an EC P-256 key");

  // Written under a private temporary name, then linked into place: a reader never sees half a
  // key, and link() fails instead of replacing a key another run put there meanwhile.
  std::string temporary = path + ".tmp-" + common::random_hex(6);
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) throw io_error("cannot create", temporary);
  FILE* file = ::fdopen(fd, "w");
  bool written = file && PEM_write_PrivateKey(file, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1 &&
                 std::fflush(file) == 0 && ::fsync(fd) == 0;
  if (file)
    std::fclose(file);
  else
    ::close(fd);
  if (!written) {
    ::unlink(temporary.c_str());
    throw io_error("cannot write", temporary);
  }
  int linked = ::link(temporary.c_str(), path.c_str());
  int link_errno = errno;
  ::unlink(temporary.c_str());
  if (linked == 0) return true;
  if (link_errno == EEXIST) return false;
  errno = link_errno;
  throw io_error("cannot create", path);
}

}  // namespace auth
