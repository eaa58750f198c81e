#pragma once

#include "auth/accounts/account_policy.hpp"
#include "auth/accounts/email_verifications.hpp"
#include "auth/accounts/password_resets.hpp"
#include "auth/mail/mailer.hpp"
#include "auth/passwords/password_hasher.hpp"
#include "auth/throttle/rate_limiter.hpp"
#include "auth/tokens/token_issuer.hpp"
#include "common/core/config.hpp"
#include "common/grpc/grpc_server.hpp"

#include <string>
#include <vector>

namespace auth {

struct AuthConfig {
  common::GrpcServerOptions server;
  std::string database_url;
  std::size_t database_pool_size = 8;
  std::size_t max_storage_calls = 64;
  std::string redis_url;
  std::string private_key_file;
  std::vector<std::string> retired_key_files;
  std::string legacy_hs256_secret;
  TokenSettings tokens;
  std::chrono::seconds refresh_reuse_grace{10};
  AccountPolicy accounts;
  EmailVerificationSettings email_verification;
  PasswordResetSettings password_reset;
  // The content service, told to remove a deleted account's content; empty: deletions wait.
  std::string content_target;
  std::chrono::milliseconds content_timeout{5000};
  std::chrono::milliseconds deletion_delay{10000};
  SmtpSettings smtp;
  Argon2Params argon2;
  RateLimit login_per_account{10, std::chrono::seconds(300)};
  RateLimit login_per_client{100, std::chrono::seconds(300)};
  RateLimit register_per_client{30, std::chrono::seconds(3600)};
  RateLimit account_mail_per_email{5, std::chrono::seconds(3600)};
  RateLimit account_mail_per_client{30, std::chrono::seconds(3600)};
  std::string log_level;

  static AuthConfig from_env(common::Env& env);
};

}  // namespace auth
