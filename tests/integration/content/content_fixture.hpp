// The content service behind a real gRPC server, on real PostgreSQL, with real tokens: the
// fixture the content integration tests share.
#pragma once

#include "auth/tokens/token_issuer.hpp"
#include "common/access/revocation_set.hpp"
#include "common/grpc/grpc_errors.hpp"
#include "content/content_components.hpp"
#include "content/schema.hpp"
#include "support/grpc_test_server.hpp"
#include "support/test_support.hpp"

#include <gtest/gtest.h>

namespace content_test {

using test_support::call_context;

class ContentServiceTest : public ::testing::Test {
 protected:
  ContentServiceTest()
      : database_("content_it"),
        key_file_(test_support::write_signing_key(keys_.path())),
        issuer_(common::jwt::SigningKey::from_pem_file(key_file_), {}),
        verifier_({common::jwt::KeySet::from_pem_files({key_file_}),
                   {},
                   {issuer_.settings().issuer, issuer_.settings().audience, std::chrono::seconds(30), "access"}},
                  &revoked_),
        authenticator_(verifier_),
        service_tokens_(
            {common::jwt::KeySet::from_pem_files({key_file_}),
             {},
             {issuer_.settings().issuer, content::kAccountDataAudience, std::chrono::seconds(30), "service"}},
            nullptr),
        components_(database_.url(), 4, 64, authenticator_, service_tokens_),
        server_({&components_.service, &components_.account_data}),
        stub_(content::v1::ContentService::NewStub(server_.channel())) {
    pqxx::connection c(database_.url());
    common::apply_migrations(c, "content", content::migrations());
    alice_ = issuer_.issue(user(1, "alice"));
    bob_ = issuer_.issue(user(2, "bob"));
  }

  static auth::UserRecord user(std::int64_t id, const std::string& name) {
    auth::UserRecord record;
    record.id = id;
    record.username = name;
    return record;
  }

  grpc::Status create(const auth::IssuedPair& who, const std::optional<std::string>& title,
                      const std::optional<std::string>& body, content::v1::Post* out = nullptr) {
    content::v1::CreatePostRequest request;
    if (title) request.set_title(*title);
    if (body) request.set_content(*body);
    content::v1::CreatePostResponse reply;
    auto status = stub_->CreatePost(call_context(who.access.token).get(), request, &reply);
    if (out) *out = reply.post();
    return status;
  }

  grpc::Status get(const auth::IssuedPair& who, std::int64_t id, content::v1::Post* out = nullptr) {
    content::v1::GetPostRequest request;
    request.set_id(id);
    content::v1::GetPostResponse reply;
    auto status = stub_->GetPost(call_context(who.access.token).get(), request, &reply);
    if (out) *out = reply.post();
    return status;
  }

  grpc::Status update(const auth::IssuedPair& who, std::int64_t id, const std::optional<std::string>& title,
                      const std::optional<std::string>& body, bool partial, content::v1::Post* out = nullptr) {
    content::v1::UpdatePostRequest request;
    request.set_id(id);
    request.set_partial(partial);
    if (title) request.set_title(*title);
    if (body) request.set_content(*body);
    content::v1::UpdatePostResponse reply;
    auto status = stub_->UpdatePost(call_context(who.access.token).get(), request, &reply);
    if (out) *out = reply.post();
    return status;
  }

  grpc::Status remove(const auth::IssuedPair& who, std::int64_t id) {
    content::v1::DeletePostRequest request;
    request.set_id(id);
    content::v1::DeletePostResponse reply;
    return stub_->DeletePost(call_context(who.access.token).get(), request, &reply);
  }

  content::v1::ListPostsResponse list(const auth::IssuedPair& who, std::optional<int> limit = {}, int offset = 0) {
    content::v1::ListPostsRequest request;
    if (limit) request.set_limit(*limit);
    request.set_offset(offset);
    content::v1::ListPostsResponse reply;
    EXPECT_TRUE(stub_->ListPosts(call_context(who.access.token).get(), request, &reply).ok());
    return reply;
  }

  std::int64_t post_count() {
    pqxx::connection c(database_.url());
    pqxx::read_transaction tx(c);
    return tx.exec1("SELECT count(*) FROM posts")[0].as<std::int64_t>();
  }

  test_support::TestDatabase database_;
  test_support::TempDir keys_;
  std::string key_file_;
  auth::TokenIssuer issuer_;
  common::RevocationSet revoked_;
  common::TokenVerifier verifier_;
  content::CallerAuthenticator authenticator_;
  common::TokenVerifier service_tokens_;
  content::ContentComponents components_;
  test_support::GrpcTestServer server_;
  std::unique_ptr<content::v1::ContentService::Stub> stub_;
  auth::IssuedPair alice_;
  auth::IssuedPair bob_;
};

}  // namespace content_test
