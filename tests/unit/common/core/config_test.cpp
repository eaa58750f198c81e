#include "common/core/config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace {

using common::ConfigError;
using common::Env;
using Items = std::vector<std::string>;

Env env_with(std::map<std::string, std::string> values) {
  return Env("test-binary", "does things",
             [table = std::move(values)](const std::string& name) -> std::optional<std::string> {
               auto it = table.find(name);
               if (it == table.end()) return std::nullopt;
               return it->second;
             });
}

std::string check_message(const Env& env) {
  try {
    env.check();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return {};
}

TEST(ConfigEnv, DefaultsAreUsedWhenVariablesAreAbsent) {
  Env env = env_with({});
  EXPECT_EQ(env.text("HOST", "0.0.0.0", "listen address"), "0.0.0.0");
  EXPECT_EQ(env.integer("PORT", 8080, "listen port"), 8080);
  EXPECT_TRUE(env.boolean("DEBUG", true, "debug mode"));
  EXPECT_FALSE(env.boolean("TRACE", false, "trace mode"));
  EXPECT_EQ(env.list("ORIGINS", "a,b", "allowed origins"), (Items{"a", "b"}));
  EXPECT_NO_THROW(env.check());
}

TEST(ConfigEnv, EmptyValuesCountAsAbsent) {
  Env env = env_with({{"HOST", ""}, {"PORT", ""}, {"DEBUG", ""}});
  EXPECT_EQ(env.text("HOST", "localhost", "h"), "localhost");
  EXPECT_EQ(env.integer("PORT", 8080, "p"), 8080);
  EXPECT_TRUE(env.boolean("DEBUG", true, "d"));
  EXPECT_NO_THROW(env.check());
}

TEST(ConfigEnv, ValuesAreReadFromTheLookup) {
  Env env = env_with({{"HOST", "127.0.0.1"}, {"PORT", "9090"}, {"NEGATIVE", "-5"}});
  EXPECT_EQ(env.text("HOST", "0.0.0.0", "h"), "127.0.0.1");
  EXPECT_EQ(env.integer("PORT", 8080, "p", 1, 65535), 9090);
  EXPECT_EQ(env.integer("NEGATIVE", 0, "n", -10, 10), -5);
  EXPECT_NO_THROW(env.check());
}

TEST(ConfigEnv, InvalidIntegerIsRecordedAndCheckNamesTheVariable) {
  for (const char* bad : {"80x", "abc", " 80", "8.5", "0x50", "99999999999999999999"}) {
    Env env = env_with({{"PORT", bad}});
    EXPECT_EQ(env.integer("PORT", 8080, "p"), 8080) << bad;  // falls back, but...
    EXPECT_THROW(env.check(), ConfigError) << bad;           // ...start-up fails
    EXPECT_NE(check_message(env).find("PORT"), std::string::npos) << check_message(env);
  }
}

TEST(ConfigEnv, OutOfRangeIntegerIsRecordedAndCheckNamesTheVariable) {
  Env env = env_with({{"PORT", "70000"}, {"WORKERS", "0"}});
  EXPECT_EQ(env.integer("PORT", 8080, "p", 1, 65535), 8080);
  EXPECT_EQ(env.integer("WORKERS", 4, "w", 1, 64), 4);
  std::string message = check_message(env);
  EXPECT_NE(message.find("PORT=70000"), std::string::npos) << message;
  EXPECT_NE(message.find("WORKERS=0"), std::string::npos) << message;
  EXPECT_NE(message.find("65535"), std::string::npos) << message;
}

TEST(ConfigEnv, IntegerBoundsAreInclusive) {
  Env env = env_with({{"LOW", "1"}, {"HIGH", "65535"}});
  EXPECT_EQ(env.integer("LOW", 9, "l", 1, 65535), 1);
  EXPECT_EQ(env.integer("HIGH", 9, "h", 1, 65535), 65535);
  EXPECT_NO_THROW(env.check());
}

TEST(ConfigEnv, NegativeIntegerIsOutOfTheDefaultRange) {
  Env env = env_with({{"TTL", "-1"}});
  EXPECT_EQ(env.integer("TTL", 60, "ttl"), 60);
  EXPECT_THROW(env.check(), ConfigError);
}

TEST(ConfigEnv, BooleanAcceptsCommonSpellingsCaseInsensitively) {
  for (const char* yes : {"1", "true", "TRUE", "True", "yes", "YES", "on", "On"}) {
    EXPECT_TRUE(env_with({{"FLAG", yes}}).boolean("FLAG", false, "f")) << yes;
  }
  for (const char* no : {"0", "false", "FALSE", "no", "No", "off", "OFF"}) {
    EXPECT_FALSE(env_with({{"FLAG", no}}).boolean("FLAG", true, "f")) << no;
  }
}

TEST(ConfigEnv, InvalidBooleanIsRecordedAndFallsBack) {
  Env env = env_with({{"FLAG", "maybe"}});
  EXPECT_TRUE(env.boolean("FLAG", true, "f"));
  std::string message = check_message(env);
  EXPECT_NE(message.find("FLAG=maybe"), std::string::npos) << message;
}

TEST(ConfigEnv, CheckListsEveryInvalidValue) {
  Env env = env_with({{"A", "x"}, {"B", "y"}, {"C", "5"}});
  env.integer("A", 1, "a");
  env.boolean("B", false, "b");
  env.integer("C", 1, "c");
  std::string message = check_message(env);
  EXPECT_NE(message.find("A=x"), std::string::npos) << message;
  EXPECT_NE(message.find("B=y"), std::string::npos) << message;
  EXPECT_EQ(message.find("C="), std::string::npos) << message;
}

TEST(ConfigEnv, ListSplitsOnCommasTrimsSpacesAndDropsEmptyItems) {
  Env env = env_with({{"ORIGINS", " https://a.example , https://b.example,, ,\thttps://c.example\t, "}});
  EXPECT_EQ(env.list("ORIGINS", "", "o"), (Items{"https://a.example", "https://b.example", "https://c.example"}));
}

TEST(ConfigEnv, ListFallbackIsSplitTooAndMayBeEmpty) {
  Env env = env_with({});
  EXPECT_EQ(env.list("KEYS", "k1.pem, k2.pem", "k"), (Items{"k1.pem", "k2.pem"}));
  EXPECT_TRUE(env.list("NONE", "", "n").empty());
  EXPECT_EQ(env.list("SINGLE", "one", "s"), Items{"one"});
}

TEST(ConfigEnv, PrintHelpListsEveryVariableReadWithItsDefault) {
  Env env = env_with({{"PORT", "9090"}});
  env.text("HOST", "0.0.0.0", "Listen address");
  env.integer("PORT", 8080, "Listen port");
  env.boolean("DEBUG", false, "Debug logging");
  env.list("ORIGINS", "", "Allowed origins");
  std::ostringstream out;
  env.print_help(out);
  std::string help = out.str();
  EXPECT_NE(help.find("test-binary: does things"), std::string::npos) << help;
  EXPECT_NE(help.find("Listen address (default: 0.0.0.0)"), std::string::npos) << help;
  // The default is shown, not the value read.
  EXPECT_NE(help.find("Listen port (default: 8080)"), std::string::npos) << help;
  EXPECT_EQ(help.find("9090"), std::string::npos) << help;
  EXPECT_NE(help.find("Debug logging (default: false)"), std::string::npos) << help;
  EXPECT_NE(help.find("Allowed origins (default: \"\")"), std::string::npos) << help;
  // In the order read, one per line.
  auto host = help.find("HOST");
  auto port = help.find("PORT");
  auto debug = help.find("DEBUG");
  auto origins = help.find("ORIGINS");
  ASSERT_NE(host, std::string::npos);
  EXPECT_LT(host, port);
  EXPECT_LT(port, debug);
  EXPECT_LT(debug, origins);
}

TEST(ConfigEnv, PrintHelpWithoutReadsListsNoVariables) {
  Env env = env_with({});
  std::ostringstream out;
  env.print_help(out);
  EXPECT_EQ(out.str().find("(default:"), std::string::npos);
}

TEST(ConfigEnv, HelpRequestedRecognisesLongAndShortFlagsOnly) {
  char program[] = "svc";
  char help[] = "--help";
  char h[] = "-h";
  char other[] = "--helpme";
  char* with_help[] = {program, help};
  char* with_h[] = {program, other, h};
  char* without[] = {program, other};
  char* program_named_help[] = {help};
  EXPECT_TRUE(Env::help_requested(2, with_help));
  EXPECT_TRUE(Env::help_requested(3, with_h));
  EXPECT_FALSE(Env::help_requested(2, without));
  EXPECT_FALSE(Env::help_requested(1, program_named_help));  // argv[0] is the program name
}

}  // namespace
