#include "common/core/base64url.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <utility>

namespace {

using common::base64url_decode;
using common::base64url_encode;

TEST(Base64Url, RoundTripsRandomBytesOfEveryLengthUpTo64) {
  std::mt19937 rng(20240601);  // fixed seed: failures are reproducible
  std::uniform_int_distribution<int> byte(0, 255);
  for (std::size_t length = 0; length <= 64; ++length) {
    for (int trial = 0; trial < 8; ++trial) {
      std::string bytes(length, '\0');
      for (auto& b : bytes) b = static_cast<char>(byte(rng));
      std::string encoded = base64url_encode(bytes);
      EXPECT_EQ(encoded.size(), (length * 4 + 2) / 3) << "length " << length;
      EXPECT_EQ(encoded.find_first_of("=+/"), std::string::npos) << encoded;
      EXPECT_EQ(base64url_decode(encoded), std::optional<std::string>(bytes)) << "length " << length;
    }
  }
}

TEST(Base64Url, EncodesRfc4648TestVectorsWithoutPadding) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},          {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64url_encode(plain), encoded);
    EXPECT_EQ(base64url_decode(encoded), std::optional<std::string>(plain));
  }
}

TEST(Base64Url, UsesTheUrlSafeAlphabetForIndexes62And63) {
  // 0xFB 0xFF → 111110 111111 1111(00): '+' '/' in standard base64, '-' '_' here.
  EXPECT_EQ(base64url_encode("\xFB\xFF"), "-_8");
  EXPECT_EQ(base64url_decode("-_8"), std::optional<std::string>("\xFB\xFF"));
  EXPECT_EQ(base64url_encode("\xFF\xFF\xFF"), "____");
  EXPECT_EQ(base64url_encode("\xFB\xEF\xBE"), "----");
  EXPECT_EQ(base64url_encode(std::string(3, '\0')), "AAAA");
}

TEST(Base64Url, RejectsPadding) {
  EXPECT_EQ(base64url_decode("Zg=="), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm8="), std::nullopt);
  EXPECT_EQ(base64url_decode("===="), std::nullopt);
}

TEST(Base64Url, RejectsTheStandardAlphabetCharacters) {
  EXPECT_EQ(base64url_decode("+_8"), std::nullopt);
  EXPECT_EQ(base64url_decode("-/8"), std::nullopt);
  EXPECT_EQ(base64url_decode("+/8"), std::nullopt);
}

TEST(Base64Url, RejectsWhitespaceAndOtherCharacters) {
  EXPECT_EQ(base64url_decode("Zm9v Zm9v"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9v\nZm9v"), std::nullopt);
  EXPECT_EQ(base64url_decode(" Zm9v"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9v\t"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9v.Zm9v"), std::nullopt);
  EXPECT_EQ(base64url_decode(std::string("Zm\0v", 4)), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9\xC3\xA9"), std::nullopt);
}

TEST(Base64Url, RejectsLengthsThatLeaveASingleCharacter) {
  EXPECT_EQ(base64url_decode("Z"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9vY"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9vYmFyZ"), std::nullopt);
}

TEST(Base64Url, RejectsNonZeroTrailingBits) {
  // "Zg" is the only encoding of "f": "Zh" leaves 0001 in the four unused bits.
  EXPECT_EQ(base64url_decode("Zh"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zv"), std::nullopt);
  // "Zm8" is the only encoding of "fo": "Zm9" leaves 01 in the two unused bits.
  EXPECT_EQ(base64url_decode("Zm9"), std::nullopt);
  EXPECT_EQ(base64url_decode("Zm9vYh"), std::nullopt);
}

TEST(Base64Url, DecodesEmptyStringToEmptyBytes) { EXPECT_EQ(base64url_decode(""), std::optional<std::string>("")); }

}  // namespace
