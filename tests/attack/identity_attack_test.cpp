// Issue 11, items 1-3, as an attacker sees them: the three real binaries over HTTP. Each test
// names the hole it keeps closed.
#include "e2e/stack.hpp"

#include <string>

namespace {

using e2e::json;
using e2e::Reply;
using e2e::Stack;

// JSON "\u0000" arrives as a NUL byte inside the decoded string.
std::string with_nul(const std::string& before, const std::string& after) {
  return before + std::string(1, '\0') + after;
}

class IdentityAttackTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // A small per-account limit (Stack's default, 5), and a per-client one that the whole file
    // stays far below: every request comes from 127.0.0.1.
    stack_ = new Stack(e2e::Env{{"LOGIN_LIMIT_PER_CLIENT_MAX", "1000"}, {"REGISTER_LIMIT_PER_CLIENT_MAX", "1000"}});
    ASSERT_TRUE(stack_->ready()) << stack_->logs();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  static Reply send(const std::string& method, const std::string& path, const json& body = nullptr,
                    const std::string& token = {}) {
    return stack_->send(method, path, body, token);
  }

  static std::string registered_access(const json& body) {
    auto reply = send("POST", "/api/register/", body);
    EXPECT_EQ(reply.status, 201) << reply.body.dump();
    return reply.body.value("access", "");
  }

  // Fails `times` logins with a wrong password, each expected to be a plain 401.
  static void fail_logins(const json& identifier, int times) {
    for (int i = 0; i < times; ++i) {
      json body = identifier;
      body["password"] = "wrong-password-" + std::to_string(i);
      auto reply = send("POST", "/api/login/", body);
      ASSERT_EQ(reply.status, 401) << "attempt " << i << ": " << reply.body.dump();
    }
  }

  static Stack* stack_;
};

Stack* IdentityAttackTest::stack_ = nullptr;

constexpr int kAccountLimit = 5;  // Stack's LOGIN_LIMIT_PER_ACCOUNT_MAX
const char* const kNul = "Null characters are not allowed.";

// Item 1: a locked account stays locked whatever suffix follows the identifier.
TEST_F(IdentityAttackTest, NulSuffixedIdentifiersNeitherLogInNorOpenAFreshBucket) {
  registered_access({{"username", "victim1"}, {"email", "victim1@example.com"}, {"password", "correct-horse-1"}});
  fail_logins({{"email", "victim1@example.com"}}, kAccountLimit);
  auto locked = send("POST", "/api/login/", {{"email", "victim1@example.com"}, {"password", "correct-horse-1"}});
  ASSERT_EQ(locked.status, 429) << locked.body.dump();

  auto by_email =
      send("POST", "/api/login/", {{"email", with_nul("victim1@example.com", "abc")}, {"password", "correct-horse-1"}});
  EXPECT_EQ(by_email.status, 400) << by_email.body.dump();
  EXPECT_FALSE(by_email.body.contains("token")) << by_email.body.dump();
  EXPECT_EQ(by_email.body["email"], json::array({kNul})) << by_email.body.dump();

  auto by_username =
      send("POST", "/api/token/", {{"username", with_nul("victim1", "abc")}, {"password", "correct-horse-1"}});
  EXPECT_EQ(by_username.status, 400) << by_username.body.dump();
  EXPECT_FALSE(by_username.body.contains("access")) << by_username.body.dump();
  EXPECT_EQ(by_username.body["username"], json::array({kNul})) << by_username.body.dump();
}

// Item 1: the username and the email of one account share one budget (not 2 x the limit).
TEST_F(IdentityAttackTest, UsernameAndEmailLoginsShareOneLimit) {
  registered_access({{"username", "victim2"}, {"email", "victim2@example.com"}, {"password", "correct-horse-2"}});
  fail_logins({{"username", "victim2"}}, kAccountLimit);
  auto by_email = send("POST", "/api/login/", {{"email", "victim2@example.com"}, {"password", "correct-horse-2"}});
  EXPECT_EQ(by_email.status, 429) << "the email opened a second budget: " << by_email.body.dump();
  auto by_other_spelling =
      send("POST", "/api/login/", {{"email", "VICTIM2@EXAMPLE.COM"}, {"password", "correct-horse-2"}});
  EXPECT_EQ(by_other_spelling.status, 429) << by_other_spelling.body.dump();
}

// Item 1: an unknown account is limited exactly like a known one with a wrong password.
TEST_F(IdentityAttackTest, UnknownAccountsAreLimitedLikeKnownOnes) {
  fail_logins({{"username", "nobody-here"}}, kAccountLimit);
  auto next = send("POST", "/api/login/", {{"username", "NOBODY-HERE"}, {"password", "whatever-1"}});
  EXPECT_EQ(next.status, 429) << next.body.dump();
  auto fullwidth = send("POST", "/api/login/",
                        {{"username", "\xEF\xBC\xAE\xEF\xBC\xAF\xEF\xBC\xA2\xEF\xBC\xAF\xEF\xBC\xA4\xEF\xBC\xB9-here"},
                         {"password", "whatever-1"}});  // "ＮＯＢＯＤＹ-here"
  EXPECT_EQ(fullwidth.status, 429) << fullwidth.body.dump();
}

// Item 2: NUL is refused in every content field, and nothing is stored.
TEST_F(IdentityAttackTest, NulInContentFieldsIsRefusedAndNothingIsStored) {
  std::string access = registered_access({{"email", "writer@example.com"}, {"password", "writer-pass-1"}});
  ASSERT_FALSE(access.empty());
  struct Case {
    const char* path;
    json body;
    const char* field;
  };
  const Case cases[] = {
      {"/api/posts/", {{"title", with_nul("x", "hidden")}, {"content", "body"}}, "title"},
      {"/api/posts/", {{"title", std::string(1, '\0')}, {"content", "body"}}, "title"},
      {"/api/posts/", {{"title", "fine"}, {"content", with_nul("", "")}}, "content"},
      {"/api/tasks/", {{"title", with_nul("x", "hidden")}}, "title"},
      {"/api/tasks/", {{"title", "fine"}, {"description", with_nul("a", "b")}}, "description"},
      {"/api/tasks/", {{"title", "fine"}, {"status", with_nul("pending", "")}}, "status"},
  };
  for (const auto& c : cases) {
    auto reply = send("POST", c.path, c.body, access);
    EXPECT_EQ(reply.status, 400) << c.path << " " << c.body.dump() << " -> " << reply.body.dump();
    EXPECT_EQ(reply.body[c.field], json::array({kNul})) << c.path << " " << reply.body.dump();
  }
  EXPECT_EQ(send("GET", "/api/posts/", nullptr, access).body, json::array());
  EXPECT_EQ(send("GET", "/api/tasks/", nullptr, access).body, json::array());

  auto post = send("POST", "/api/posts/", {{"title", "real"}, {"content", "body"}}, access);
  ASSERT_EQ(post.status, 201) << post.body.dump();
  std::string item = "/api/posts/" + std::to_string(post.body["id"].get<std::int64_t>()) + "/";
  auto patched = send("PATCH", item, {{"title", with_nul("x", "y")}}, access);
  EXPECT_EQ(patched.status, 400) << patched.body.dump();
  EXPECT_EQ(send("GET", item, nullptr, access).body["title"], "real");
}

// Item 3: one email address, however its domain is spelled, is one account.
TEST_F(IdentityAttackTest, UnicodeEmailDomainSpellingsAreOneAccount) {
  registered_access({{"email", "u@m\xC3\xBCller-x.com"}, {"password", "unicode-pass-1"}});  // u@müller-x.com
  for (const char* spelling : {"u@M\xC3\x9CLLER-x.COM", "u@xn--mller-x-n2a.com", "U@m\xC3\xBCller-x.com"}) {
    auto again = send("POST", "/api/register/", {{"email", spelling}, {"password", "unicode-pass-1"}});
    EXPECT_EQ(again.status, 400) << spelling << ": " << again.body.dump();
    EXPECT_EQ(again.body["email"], json::array({"user with this email already exists."})) << again.body.dump();
  }
  auto login = send("POST", "/api/login/", {{"email", "u@M\xC3\x9CLLER-X.com"}, {"password", "unicode-pass-1"}});
  EXPECT_EQ(login.status, 200) << login.body.dump();
  EXPECT_EQ(login.body["email"], "u@m\xC3\xBCller-x.com") << login.body.dump();
}

// Item 3: Django's NFKC: a fullwidth username is the ASCII one.
TEST_F(IdentityAttackTest, FullwidthUsernameIsTheSameAccount) {
  registered_access({{"username", "atk_1"}, {"password", "fullwidth-pass-1"}});
  const char* fullwidth = "\xEF\xBD\x81\xEF\xBD\x94\xEF\xBD\x8B\xEF\xBC\xBF\xEF\xBC\x91";  // "ａｔｋ＿１"
  auto again = send("POST", "/api/register/", {{"username", fullwidth}, {"password", "fullwidth-pass-1"}});
  EXPECT_EQ(again.status, 400) << again.body.dump();
  EXPECT_EQ(again.body["username"], json::array({"A user with that username already exists."})) << again.body.dump();

  auto login = send("POST", "/api/token/", {{"username", fullwidth}, {"password", "fullwidth-pass-1"}});
  EXPECT_EQ(login.status, 200) << login.body.dump();

  // Stored and shown in its NFKC form, as Django's normalize_username does.
  const char* fullwidth2 = "\xEF\xBD\x81\xEF\xBD\x94\xEF\xBD\x8B\xEF\xBC\xBF\xEF\xBC\x92";  // "ａｔｋ＿２"
  std::string access = registered_access({{"username", fullwidth2}, {"password", "fullwidth-pass-2"}});
  ASSERT_FALSE(access.empty());
  auto me = send("GET", "/api/me/", nullptr, access);
  EXPECT_EQ(me.body["username"], "atk_2") << me.body.dump();
}

}  // namespace
