// Reading users through auth.v1.AdminService: pages, search, the hostile input a caller may
// send, and what GetUser shows.
#include "common/core/base64url.hpp"
#include "integration/auth/admin/admin_fixture.hpp"

#include <set>

namespace {

using admin_test::AdminServiceTest;
using admin_test::first_field_error;

std::vector<std::string> usernames(const auth::v1::ListUsersResponse& reply) {
  std::vector<std::string> names;
  for (const auto& user : reply.users()) names.push_back(user.username());
  return names;
}

TEST_F(AdminServiceTest, ListUsersPagesOldestFirstWithTheTotalOnEveryPage) {
  staff_authorization();  // root, the first user
  for (const char* name : {"ann", "bob", "cid", "dee", "eve"}) make_user(name);

  std::vector<std::string> seen;
  std::vector<std::int64_t> ids;
  std::string token;
  int pages = 0;
  do {
    auth::v1::ListUsersResponse page;
    ASSERT_TRUE(list_users("", 2, token, &page).ok());
    EXPECT_EQ(page.total(), 6);
    EXPECT_LE(page.users_size(), 2);
    for (const auto& user : page.users()) {
      seen.push_back(user.username());
      ids.push_back(user.id());
    }
    token = page.next_page_token();
    ASSERT_LT(++pages, 10) << "paging must end";
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen, (std::vector<std::string>{"root", "ann", "bob", "cid", "dee", "eve"}));
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));

  auth::v1::ListUsersResponse all;
  ASSERT_TRUE(list_users("", 0, "", &all).ok());
  EXPECT_EQ(all.users_size(), 6) << "page size 0 is the default of 20";
  EXPECT_TRUE(all.next_page_token().empty());
}

TEST_F(AdminServiceTest, SearchMatchesUsernameEmailOrNameAndTakesWildcardsLiterally) {
  staff_authorization();
  make_user("a_b");
  make_user("axb");
  make_user("c%d");
  make_user("cxd");
  make_user("back\\slash");
  {
    pqxx::connection c(database_.url());
    pqxx::work tx(c);
    tx.exec("UPDATE users SET name = 'Grace Hopper' WHERE username = 'axb'");
    tx.commit();
  }
  auto search = [&](const std::string& query) {
    auth::v1::ListUsersResponse reply;
    EXPECT_TRUE(list_users(query, 20, "", &reply).ok()) << query;
    return usernames(reply);
  };
  using Names = std::vector<std::string>;
  EXPECT_EQ(search("_"), (Names{"a_b"}));
  EXPECT_EQ(search("%"), (Names{"c%d"}));
  EXPECT_EQ(search("\\"), (Names{"back\\slash"}));
  EXPECT_EQ(search("A_B"), (Names{"a_b"})) << "case-insensitive";
  EXPECT_EQ(search("hopper"), (Names{"axb"})) << "by name";
  EXPECT_EQ(search("cxd@EXAMPLE"), (Names{"cxd"})) << "by email";
  EXPECT_EQ(search("  cxd  "), (Names{"cxd"})) << "trimmed";
  EXPECT_EQ(search("nobody"), (Names{}));

  // The pages of a search, and its total, count only its matches.
  auth::v1::ListUsersResponse filtered;
  ASSERT_TRUE(list_users("b@", 1, "", &filtered).ok());
  EXPECT_EQ(filtered.total(), 2) << "a_b@ and axb@";
  EXPECT_EQ(usernames(filtered), (Names{"a_b"}));
  auth::v1::ListUsersResponse next;
  ASSERT_TRUE(list_users("b@", 1, filtered.next_page_token(), &next).ok());
  EXPECT_EQ(usernames(next), (Names{"axb"}));
  EXPECT_TRUE(next.next_page_token().empty());
}

TEST_F(AdminServiceTest, HostileListInputIsAFieldErrorAndNeverAQuery) {
  staff_authorization();
  auto refused = [&](const std::string& query, int page_size, const std::string& token, const std::string& field) {
    auto status = list_users(query, page_size, token);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field << ": " << token;
    return first_field_error(status, field);
  };
  EXPECT_EQ(refused(std::string("a\0b", 3), 20, "", "query"), "Null characters are not allowed.");
  EXPECT_EQ(refused("\xff\xfe", 20, "", "query"), "Enter valid UTF-8 text.");
  EXPECT_EQ(refused(std::string(151, 'q'), 20, "", "query"), "Ensure this field has no more than 150 characters.");
  EXPECT_EQ(refused("", 101, "", "page_size"), "Ensure this value is between 1 and 100.");
  EXPECT_EQ(refused("", -1, "", "page_size"), "Ensure this value is between 1 and 100.");
  for (const std::string& token :
       {std::string("!!!"), std::string("MQ=="), common::base64url_encode("abc"), common::base64url_encode("-5"),
        common::base64url_encode("0"), common::base64url_encode("007"), common::base64url_encode("1 "),
        common::base64url_encode("99999999999999999999"), std::string(200, 'A')}) {
    EXPECT_EQ(refused("", 20, token, "page_token"), "Invalid page token.") << token;
  }
  // A token of ours still works.
  EXPECT_TRUE(list_users("", 20, common::base64url_encode("1")).ok());
}

TEST_F(AdminServiceTest, GetUserShowsStateLiveSessionsLastLoginAndPendingEmail) {
  std::int64_t id = make_user("mia");
  auth::v1::GetUserResponse before;
  ASSERT_TRUE(get_user(id, staff_authorization(), &before).ok());
  EXPECT_EQ(before.user().live_sessions(), 0);
  EXPECT_FALSE(before.user().has_last_login());
  EXPECT_TRUE(before.user().is_active());
  EXPECT_FALSE(before.user().is_staff());
  EXPECT_EQ(before.user().email(), "mia@example.com");

  auto first = session_of("mia");
  session_of("mia");
  ASSERT_TRUE(logout(first.refresh()).ok());
  session_of("mia");
  {
    pqxx::connection c(database_.url());
    pqxx::work tx(c);
    tx.exec_params("UPDATE users SET pending_email = 'new@example.com' WHERE id = $1", id);
    tx.commit();
  }
  auth::v1::GetUserResponse after;
  ASSERT_TRUE(get_user(id, staff_authorization(), &after).ok());
  EXPECT_EQ(after.user().live_sessions(), 2) << "three logins, one logged out";
  EXPECT_TRUE(after.user().has_last_login());
  EXPECT_EQ(after.user().pending_email(), "new@example.com");

  auth::v1::ListUsersResponse listed;
  ASSERT_TRUE(list_users("mia", 20, "", &listed).ok());
  ASSERT_EQ(listed.users_size(), 1);
  EXPECT_EQ(listed.users(0).live_sessions(), 2);
}

TEST_F(AdminServiceTest, UnknownIdsAreNotFoundAndChangeNothing) {
  const std::string& staff = staff_authorization();
  for (std::int64_t id : {std::int64_t{987654}, std::int64_t{0}, std::int64_t{-1}}) {
    EXPECT_EQ(get_user(id, staff).error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(set_active(id, false).error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(set_staff(id, true, staff).error_code(), grpc::StatusCode::NOT_FOUND);
    auth::v1::EndUserSessionsRequest end;
    end.set_id(id);
    auth::v1::EndUserSessionsResponse ended;
    EXPECT_EQ(admin_.stub->EndUserSessions(admin_test::with_authorization(staff).get(), end, &ended).error_code(),
              grpc::StatusCode::NOT_FOUND);
    auth::v1::SendPasswordResetRequest reset;
    reset.set_id(id);
    auth::v1::SendPasswordResetResponse sent;
    EXPECT_EQ(admin_.stub->SendPasswordReset(admin_test::with_authorization(staff).get(), reset, &sent).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  EXPECT_EQ(count("SELECT count(*) FROM audit_log"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM mail_outbox"), 0);
}

}  // namespace
