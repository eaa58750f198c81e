#include "auth/tokens/successor_seal.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <memory>
#include <stdexcept>

namespace auth {
namespace {

constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::array<unsigned char, 32> derive_key(std::string_view token) {
  std::string input = "auth.successor.v1:";
  input.append(token);
  std::array<unsigned char, 32> key{};
  unsigned int length = 0;
  EVP_Digest(input.data(), input.size(), key.data(), &length, EVP_sha256(), nullptr);
  return key;
}

const unsigned char* bytes(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

}  // namespace

std::string seal_successor(std::string_view rotated_token, std::string_view plaintext) {
  auto key = derive_key(rotated_token);
  std::string out(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  auto* cipher = nonce + kNonceBytes;
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int length = 0;
  if (RAND_bytes(nonce, kNonceBytes) != 1 || !ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), cipher, &length, bytes(plaintext), static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), cipher + length, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, cipher + plaintext.size()) != 1) {
    throw std::runtime_error("sealing the successor pair failed");
  }
  return out;
}

std::optional<std::string> open_successor(std::string_view rotated_token, std::string_view sealed) {
  if (sealed.size() < kNonceBytes + kTagBytes) return std::nullopt;
  auto key = derive_key(rotated_token);
  std::size_t cipher_size = sealed.size() - kNonceBytes - kTagBytes;
  std::string plaintext(cipher_size, '\0');
  auto* out = reinterpret_cast<unsigned char*>(plaintext.data());
  std::string tag(sealed.substr(kNonceBytes + cipher_size));
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int length = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), bytes(sealed)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), out, &length, bytes(sealed) + kNonceBytes, static_cast<int>(cipher_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), out + length, &length) != 1) {
    return std::nullopt;
  }
  return plaintext;
}

}  // namespace auth
