// auth-service generate-key: the signing key a deployment starts from (compose and the dev
// overlay run it before auth).
#include "stack.hpp"

#include <sys/stat.h>

#include <cstdio>

namespace e2e {
namespace {

TEST(GenerateKey, WritesAPrivateKeyOnceAndKeepsItAfterwards) {
  test_support::TempDir dir;
  std::string key = dir.path() + "/keys-signing.pem";
  Env env{{"JWT_PRIVATE_KEY_FILE", key}};
  auto run = [&] {
    std::string log = dir.path() + "/generate.log";
    std::remove(log.c_str());
    test_support::Process command(Stack::bin("auth-service"), env, log, {"generate-key"});
    EXPECT_EQ(command.wait_exit(std::chrono::seconds(10)), 0);
    return command.log();
  };
  EXPECT_NE(run().find("generated"), std::string::npos);
  std::string first = test_support::read_text_file(key);
  EXPECT_NE(first.find("BEGIN PRIVATE KEY"), std::string::npos);
  struct stat info {};
  ASSERT_EQ(stat(key.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  EXPECT_NE(run().find("kept existing"), std::string::npos);
  EXPECT_EQ(test_support::read_text_file(key), first) << "a second run must not replace the key";
}

}  // namespace
}  // namespace e2e
