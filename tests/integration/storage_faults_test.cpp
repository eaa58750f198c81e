// Every statement each RPC sends, driven through a dropped PostgreSQL connection
// (support/pg_fault_proxy.hpp): cut before the request is sent and after it was sent (the
// server may have run it, as with a COMMIT whose answer is lost). The answer is UNAVAILABLE,
// never INTERNAL, and the next call on the same pool works again. (GetDashboard and GetJwks
// touch no storage.)
#include "integration/auth/auth_fixture.hpp"

#include "content/content_components.hpp"
#include "content/schema.hpp"
#include "support/pg_fault_proxy.hpp"

#include <functional>
#include <iostream>
#include <thread>

namespace {

using test_support::call_context;
using test_support::PgFaultProxy;
using Code = grpc::StatusCode;
using namespace std::chrono_literals;

template <class Unit>
struct FaultCase {
  std::string name;
  std::function<void()> setup;  // runs before each attempt, on a direct connection
  std::function<grpc::Status(Unit&)> call;
  Code healthy = Code::OK;  // the answer when no cut happens
};

// For each round trip k of the call on a fresh pool, cuts the connection at k; stops at the
// first k the call no longer reaches. One pool per mode, so a cut must leave it usable.
template <class Unit>
void drive_through_cuts(PgFaultProxy& proxy, const std::function<std::unique_ptr<Unit>()>& make,
                        const FaultCase<Unit>& fault_case) {
  for (bool sent : {false, true}) {
    auto unit = make();
    std::size_t k = 1;
    for (;; ++k) {
      ASSERT_LE(k, 40u) << fault_case.name << ": more round trips than any RPC makes";
      if (fault_case.setup) fault_case.setup();
      proxy.arm(k, sent);
      auto status = fault_case.call(*unit);
      if (!proxy.cut()) {
        EXPECT_EQ(status.error_code(), fault_case.healthy)
            << fault_case.name << " without a cut: " << status.error_message();
        break;
      }
      // The healthy answer is right too when only a read-only transaction's ROLLBACK was cut:
      // the rows were read already.
      EXPECT_TRUE(status.error_code() == Code::UNAVAILABLE || status.error_code() == fault_case.healthy)
          << fault_case.name << " cut " << (sent ? "after sending" : "before sending") << " round trip " << k << ": "
          << status.error_code() << " " << status.error_message();
    }
    proxy.arm(0, true);
    EXPECT_GT(k, 1u) << fault_case.name << " sent nothing to PostgreSQL";
    if (sent) std::cout << "[ faults   ] " << fault_case.name << ": " << k - 1 << " round trips, each cut twice\n";
  }
}

// ---- content -------------------------------------------------------------------------------

struct ContentUnit {
  ContentUnit(const std::string& url, const content::CallerAuthenticator& authenticator,
              const common::TokenVerifier& service_tokens, std::size_t max_queued = 16)
      : components(url, 1, max_queued, authenticator, service_tokens),
        server(&components.service),
        stub(content::v1::ContentService::NewStub(server.channel())) {}
  content::ContentComponents components;
  test_support::GrpcTestServer server;
  std::unique_ptr<content::v1::ContentService::Stub> stub;
};

class ContentStorageFaultsTest : public ::testing::Test {
 protected:
  ContentStorageFaultsTest()
      : database_("content_faults"),
        key_file_(test_support::write_signing_key(keys_.path())),
        issuer_(common::jwt::SigningKey::from_pem_file(key_file_), {}),
        direct_pool_(database_.url(), 1, content::prepare_content_statements),
        direct_posts_(direct_pool_),
        direct_tasks_(direct_pool_),
        verifier_({common::jwt::KeySet::from_pem_files({key_file_}),
                   {},
                   {issuer_.settings().issuer, issuer_.settings().audience, std::chrono::seconds(30), "access"}},
                  &revoked_),
        authenticator_(verifier_),
        proxy_(PgFaultProxy::port_of(database_.url())) {
    pqxx::connection c(database_.url());
    common::apply_migrations(c, "content", content::migrations());
    auth::UserRecord alice;
    alice.id = 1;
    alice.username = "alice";
    token_ = issuer_.issue(alice).access.token;
  }

  void drive(const FaultCase<ContentUnit>& fault_case) {
    std::function<std::unique_ptr<ContentUnit>()> make = [this] {
      return std::make_unique<ContentUnit>(proxy_.redirect(database_.url()), authenticator_, verifier_);
    };
    drive_through_cuts(proxy_, make, fault_case);
  }

  std::unique_ptr<grpc::ClientContext> context() { return test_support::call_context(token_); }

  std::int64_t new_post() { return direct_posts_.create(1, {"target", "body"}).id; }
  std::int64_t new_task() { return direct_tasks_.create(1, {"target", "", "pending"}).id; }

  test_support::TestDatabase database_;
  test_support::TempDir keys_;
  std::string key_file_;
  auth::TokenIssuer issuer_;
  common::PgPool direct_pool_;
  content::PostStore direct_posts_;
  content::TaskStore direct_tasks_;
  common::RevocationSet revoked_;
  common::TokenVerifier verifier_;
  content::CallerAuthenticator authenticator_;
  PgFaultProxy proxy_;
  std::string token_;
  std::int64_t target_ = 0;
};

TEST_F(ContentStorageFaultsTest, EveryPostStatementThroughADroppedConnectionIsUnavailable) {
  drive({"CreatePost", {}, [&](ContentUnit& u) {
           content::v1::CreatePostRequest request;
           request.set_title("t");
           request.set_content("c");
           content::v1::CreatePostResponse reply;
           return u.stub->CreatePost(context().get(), request, &reply);
         }});
  drive({"GetPost", [&] { target_ = new_post(); },
         [&](ContentUnit& u) {
           content::v1::GetPostRequest request;
           request.set_id(target_);
           content::v1::GetPostResponse reply;
           return u.stub->GetPost(context().get(), request, &reply);
         }});
  drive({"ListPosts", {}, [&](ContentUnit& u) {
           content::v1::ListPostsRequest request;
           request.set_limit(5);
           content::v1::ListPostsResponse reply;
           return u.stub->ListPosts(context().get(), request, &reply);
         }});
  drive({"UpdatePost", [&] { target_ = new_post(); },
         [&](ContentUnit& u) {
           content::v1::UpdatePostRequest request;
           request.set_id(target_);
           request.set_partial(true);
           request.set_title("changed");
           content::v1::UpdatePostResponse reply;
           return u.stub->UpdatePost(context().get(), request, &reply);
         }});
  drive({"DeletePost", [&] { target_ = new_post(); },
         [&](ContentUnit& u) {
           content::v1::DeletePostRequest request;
           request.set_id(target_);
           content::v1::DeletePostResponse reply;
           return u.stub->DeletePost(context().get(), request, &reply);
         }});
}

TEST_F(ContentStorageFaultsTest, EveryTaskStatementThroughADroppedConnectionIsUnavailable) {
  drive({"CreateTask", {}, [&](ContentUnit& u) {
           content::v1::CreateTaskRequest request;
           request.set_title("t");
           content::v1::CreateTaskResponse reply;
           return u.stub->CreateTask(context().get(), request, &reply);
         }});
  drive({"GetTask", [&] { target_ = new_task(); },
         [&](ContentUnit& u) {
           content::v1::GetTaskRequest request;
           request.set_id(target_);
           content::v1::GetTaskResponse reply;
           return u.stub->GetTask(context().get(), request, &reply);
         }});
  drive({"ListTasks", {}, [&](ContentUnit& u) {
           content::v1::ListTasksRequest request;
           content::v1::ListTasksResponse reply;
           return u.stub->ListTasks(context().get(), request, &reply);
         }});
  drive({"UpdateTask", [&] { target_ = new_task(); },
         [&](ContentUnit& u) {
           content::v1::UpdateTaskRequest request;
           request.set_id(target_);
           request.set_partial(true);
           request.set_status("completed");
           content::v1::UpdateTaskResponse reply;
           return u.stub->UpdateTask(context().get(), request, &reply);
         }});
  drive({"DeleteTask", [&] { target_ = new_task(); },
         [&](ContentUnit& u) {
           content::v1::DeleteTaskRequest request;
           request.set_id(target_);
           content::v1::DeleteTaskResponse reply;
           return u.stub->DeleteTask(context().get(), request, &reply);
         }});
}

TEST_F(ContentStorageFaultsTest, AHangingDatabaseHoldsOnlyItsThreadsAndOverloadIsRefusedAtOnce) {
  constexpr std::size_t kQueue = 3;
  ContentUnit unit(proxy_.redirect(database_.url()), authenticator_, verifier_, kQueue);
  auto post = new_post();
  auto get = [&] {
    content::v1::GetPostRequest request;
    request.set_id(post);
    content::v1::GetPostResponse reply;
    return unit.stub->GetPost(context().get(), request, &reply);
  };
  ASSERT_TRUE(get().ok());

  proxy_.stall(true);
  std::vector<grpc::Status> held(1 + kQueue);
  std::vector<std::thread> callers;
  for (auto& status : held) callers.emplace_back([&] { status = get(); });
  ASSERT_TRUE(test_support::wait_until(5000ms, [&] {
    auto usage = unit.components.database_work.usage();
    return usage.busy == 1 && usage.queued == kQueue;
  }));
  // One more is refused at once, not queued behind the hang (its deadline is 10 s away).
  EXPECT_EQ(get().error_code(), Code::RESOURCE_EXHAUSTED);
  // A call that needs no storage is answered meanwhile.
  content::v1::GetDashboardResponse dashboard;
  EXPECT_TRUE(unit.stub->GetDashboard(context().get(), content::v1::GetDashboardRequest(), &dashboard).ok());

  proxy_.stall(false);
  for (auto& caller : callers) caller.join();
  for (const auto& status : held) EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(unit.components.database_work.usage().refused, 1u);
}

// ---- auth ----------------------------------------------------------------------------------

// The real wiring on a pool of one connection through the fault proxy.
struct AuthUnit {
  AuthUnit(auth::AuthConfig config, const std::string& throttle_scope, std::size_t max_storage_calls = 0)
      : components(with_pool_of_one(std::move(config), max_storage_calls), throttle_scope),
        under_test(components.parts()) {}
  static auth::AuthConfig with_pool_of_one(auth::AuthConfig config, std::size_t max_storage_calls) {
    config.database_pool_size = 1;
    config.max_storage_calls = max_storage_calls;
    return config;
  }
  auth::AuthComponents components;
  auth_test::ServiceUnderTest under_test;
};

class AuthStorageFaultsTest : public auth_test::AuthServiceTest {
 protected:
  AuthStorageFaultsTest() : proxy_(PgFaultProxy::port_of(database_.url())) {
    auth::v1::RegisterResponse registered;
    EXPECT_TRUE(register_user("carol", "carol@example.com", "carol-pass-12", &registered).ok());
    user_id_ = registered.user().id();
    access_ = registered.tokens().access();
  }

  auth::AuthConfig proxied_config() {
    auto config = auth_test::test_config(database_, key_file_);
    config.database_url = proxy_.redirect(database_.url());
    return config;
  }

  void drive(const FaultCase<AuthUnit>& fault_case) {
    std::function<std::unique_ptr<AuthUnit>()> make = [this] {
      return std::make_unique<AuthUnit>(proxied_config(), database_.name() + "-");
    };
    drive_through_cuts(proxy_, make, fault_case);
  }

  auth::v1::LoginResponse fresh_login() {
    auth::v1::LoginResponse reply;
    EXPECT_TRUE(login("carol", "", "carol-pass-12", &reply).ok());
    return reply;
  }

  PgFaultProxy proxy_;
  std::int64_t user_id_ = 0;
  std::string access_;
  int registered_ = 0;
  std::string token_;
  std::string other_access_;
};

TEST_F(AuthStorageFaultsTest, EveryAccountStatementThroughADroppedConnectionIsUnavailable) {
  drive({"Register", [&] { ++registered_; },
         [&](AuthUnit& u) {
           auto name = "dave" + std::to_string(registered_);
           return register_user(name, name + "@example.com", "dave-pass-123", nullptr, u.under_test.stub.get());
         }});
  drive({"Login", {}, [&](AuthUnit& u) {
           return login("carol", "", "carol-pass-12", nullptr, u.under_test.stub.get());
         }});
  drive({"GetMe", {}, [&](AuthUnit& u) {
           auth::v1::GetMeResponse reply;
           return u.under_test.stub->GetMe(call_context(access_).get(), auth::v1::GetMeRequest(), &reply);
         }});
  drive({"VerifyEmail",
         [&] {
           token_ = "verification-" + std::to_string(++registered_);
           pqxx::connection c(database_.url());
           pqxx::work tx(c);
           tx.exec_params(
               "INSERT INTO email_verifications (token_hash, user_id, email, expires_at) "
               "VALUES (sha256(convert_to($1, 'UTF8')), $2, 'carol@example.com', now() + interval '1 hour')",
               token_, user_id_);
           tx.commit();
         },
         [&](AuthUnit& u) {
           auth::v1::VerifyEmailRequest request;
           request.set_token(token_);
           auth::v1::VerifyEmailResponse reply;
           return u.under_test.stub->VerifyEmail(call_context().get(), request, &reply);
         }});
}

TEST_F(AuthStorageFaultsTest, EveryTokenStatementThroughADroppedConnectionIsUnavailable) {
  drive({"Refresh", [&] { token_ = fresh_login().tokens().refresh(); },
         [&](AuthUnit& u) { return refresh(token_, nullptr, u.under_test.stub.get()); }});
  auto verify_on = [&](AuthUnit& u) {
    auth::v1::VerifyRequest request;
    request.set_token(token_);
    auth::v1::VerifyResponse reply;
    return u.under_test.stub->Verify(call_context().get(), request, &reply);
  };
  drive({"Verify(access)", [&] { token_ = access_; }, verify_on});
  drive({"Verify(refresh)", [&] { token_ = fresh_login().tokens().refresh(); }, verify_on});
  // The access token of another session: logout revokes it by its own id as well.
  drive({"Logout",
         [&] {
           token_ = fresh_login().tokens().refresh();
           other_access_ = fresh_login().tokens().access();
         },
         [&](AuthUnit& u) { return logout(token_, other_access_, u.under_test.stub.get()); }});
}

TEST_F(AuthStorageFaultsTest, AHangingDatabaseHoldsAtMostTheStorageCallBoundAndKeysStillAnswer) {
  AuthUnit unit(proxied_config(), database_.name() + "-", 1);
  auto get_me = [&] {
    auth::v1::GetMeResponse reply;
    return unit.under_test.stub->GetMe(call_context(access_).get(), auth::v1::GetMeRequest(), &reply);
  };
  ASSERT_TRUE(get_me().ok());
  proxy_.stall(true);
  auto before = proxy_.received();
  grpc::Status held;
  std::thread caller([&] { held = get_me(); });
  // Once its first statement reached the hanging database, the first call holds the only
  // storage slot: the next is refused at once, and the keys (no storage) are served.
  bool holding = test_support::wait_until(5000ms, [&] { return proxy_.received() > before; });
  EXPECT_TRUE(holding);
  if (holding) {
    EXPECT_EQ(get_me().error_code(), Code::RESOURCE_EXHAUSTED);
  }
  auth::v1::GetJwksResponse keys;
  EXPECT_TRUE(unit.under_test.stub->GetJwks(call_context().get(), auth::v1::GetJwksRequest(), &keys).ok());
  EXPECT_GT(keys.keys_size(), 0);
  proxy_.stall(false);
  caller.join();
  EXPECT_TRUE(held.ok()) << held.error_message();
  EXPECT_TRUE(get_me().ok());
}

}  // namespace
