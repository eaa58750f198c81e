#include "auth/app/admin_commands.hpp"

#include "auth/accounts/registration_rules.hpp"
#include "auth/app/auth_components.hpp"
#include "auth/django_import/user_import.hpp"
#include "common/core/epoch.hpp"
#include "common/core/text.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

namespace auth {
namespace {

// --name value pairs and bare --flags.
struct Options {
  std::map<std::string, std::string> values;

  std::optional<std::string> get(const std::string& name) const {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
  bool flag(const std::string& name) const { return values.count(name) != 0; }
};

Options parse_options(const std::vector<std::string>& args, const std::vector<std::string>& flags) {
  Options options;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (!arg.starts_with("--")) throw std::invalid_argument("unexpected argument " + arg);
    std::string name = arg.substr(2);
    if (auto eq = name.find('='); eq != std::string::npos) {
      options.values[name.substr(0, eq)] = name.substr(eq + 1);
    } else if (std::find(flags.begin(), flags.end(), name) != flags.end()) {
      options.values[name] = "";
    } else if (i + 1 < args.size()) {
      options.values[name] = args[++i];
    } else {
      throw std::invalid_argument("--" + name + " needs a value");
    }
  }
  return options;
}

// The operator, for the audit log: the user who ran sudo, else the login user. Not proof of
// identity (whoever runs this can set both), but what an audit of the host can follow up.
Actor cli_actor() {
  for (const char* variable : {"SUDO_USER", "USER"}) {
    const char* value = std::getenv(variable);
    if (value == nullptr || *value == '\0') continue;
    std::string name(value);
    if (name.size() <= 64 && !common::text_field_problem(name)) return {"cli:" + name, ""};
  }
  return {"cli:unknown", ""};
}

// The one argument after the command ("create-service-key NAME").
std::string single_argument(const std::vector<std::string>& args) {
  if (args.size() != 2 || args[1].starts_with("--")) throw std::invalid_argument(args[0] + " takes one NAME");
  return args[1];
}

std::string format_time(std::chrono::system_clock::time_point at) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  std::ostringstream text;
  text << std::put_time(&utc, "%Y-%m-%dT%H:%M:%SZ");
  return text.str();
}

// The password from AUTH_SUPERUSER_PASSWORD (for scripts, like DJANGO_SUPERUSER_PASSWORD),
// else one line of input, not echoed on a terminal.
std::optional<std::string> read_password(std::istream& in, std::ostream& err) {
  if (const char* from_env = std::getenv("AUTH_SUPERUSER_PASSWORD")) return std::string(from_env);
  bool terminal = &in == &std::cin && isatty(STDIN_FILENO);
  termios saved{};
  if (terminal) {
    err << "Password: " << std::flush;
    tcgetattr(STDIN_FILENO, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string password;
  bool got = static_cast<bool>(std::getline(in, password));
  if (terminal) {
    tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    err << "\n";
  }
  if (!got) return std::nullopt;
  return password;
}

void print_field_errors(const common::FieldErrors& errors, std::ostream& err) {
  for (const auto& [field, messages] : errors) {
    for (const auto& message : messages) err << "Error (" << field << "): " << message << "\n";
  }
}

int create_superuser(const AuthConfig& config, const Options& options, std::istream& in, std::ostream& out,
                     std::ostream& err) {
  auto password = read_password(in, err);
  if (!password) {
    err << "Error: no password given (set AUTH_SUPERUSER_PASSWORD or pipe it on stdin).\n";
    return 2;
  }
  auto input = normalize_registration(
      {options.get("username"), options.get("email"), options.get("name"), password, std::nullopt});
  auto errors = validate_registration(input, config.accounts.passwords);
  if (!errors.empty()) {
    print_field_errors(errors, err);
    return 1;
  }
  AuthComponents parts(config);
  NewUser user;
  if (input.username && !input.username->empty()) user.username = input.username;
  if (input.email && !input.email->empty()) user.email = input.email;
  user.name = input.name.value_or("");
  user.password_hash = parts.hasher.hash(*password);
  user.is_staff = user.is_superuser = true;
  user.email_verified = true;  // the operator vouches for the address
  AuditEntry audit{cli_actor(), "user.create_superuser"};
  std::int64_t audit_id = 0;
  try {
    auto created = parts.users.create(user, [&](pqxx::work& tx, const UserRecord& made) {
      audit.target_user = made.id;
      audit_id = AuditLog::record(tx, audit);
    });
    AuditLog::log_committed(audit, audit_id);
    out << "Superuser created successfully (id " << created.id << ").\n";
    return 0;
  } catch (const DuplicateUser& duplicate) {
    err << "Error: that " << (duplicate.field == DuplicateUser::Field::kEmail ? "email" : "username")
        << " is already taken.\n";
    return 1;
  }
}

int deactivate(const AuthConfig& config, const Options& options, std::ostream& out, std::ostream& err) {
  AuthComponents parts(config);
  std::optional<UserRecord> user;
  if (auto id = options.get("id")) {
    user = parts.users.find_by_id(std::stoll(*id));
  } else if (auto username = options.get("username")) {
    user = parts.users.find_by_username(*username);
  } else if (auto email = options.get("email")) {
    user = parts.users.find_by_email(*email);
  } else {
    err << "Error: name the user with --id, --username or --email.\n";
    return 2;
  }
  if (!user) {
    err << "Error: no such user.\n";
    return 1;
  }
  // What SetUserActive runs. The revocations are announced at once when Redis answers; either
  // way the revocation outbox holds them and a running auth service's publisher announces them
  // within a second of reaching Redis.
  auto change = parts.admin.set_active(cli_actor(), user->id, false);
  if (!change) {
    err << "Error: no such user.\n";  // deleted meanwhile
    return 1;
  }
  out << "User " << user->id << (change->changed ? " deactivated" : " was already inactive") << "; "
      << change->ended.size() << " session(s) revoked.\n";
  return 0;
}

int create_service_key(const AuthConfig& config, const std::string& name, std::ostream& out, std::ostream& err) {
  if (!ServiceKeys::valid_name(name)) {
    err << "Error: a name is 1 to 64 of a-z, 0-9, '-' and '_', starting with a letter or digit.\n";
    return 2;
  }
  AuthComponents parts(config);
  try {
    std::string key = parts.admin.create_service_key(cli_actor(), name);
    out << "Service key " << name << " created. It is shown only this once; callers send\n"
        << "  authorization: ServiceKey " << key << "\n";
    return 0;
  } catch (const DuplicateServiceKey&) {
    err << "Error: the name " << name << " is taken (revoked keys keep their names).\n";
    return 1;
  }
}

int revoke_service_key(const AuthConfig& config, const std::string& name, std::ostream& out, std::ostream& err) {
  AuthComponents parts(config);
  if (!parts.admin.revoke_service_key(cli_actor(), name)) {
    err << "Error: no live service key is named " << name << ".\n";
    return 1;
  }
  out << "Service key " << name << " revoked.\n";
  return 0;
}

int list_service_keys(const AuthConfig& config, std::ostream& out) {
  AuthComponents parts(config);
  for (const auto& key : parts.service_keys.list()) {
    out << key.name << "\tcreated " << format_time(key.created_at);
    if (key.revoked_at) out << "\trevoked " << format_time(*key.revoked_at);
    out << "\n";
  }
  return 0;
}

int import_users(const AuthConfig& config, const Options& options, std::ostream& out, std::ostream& err) {
  std::vector<DjangoUser> users;
  if (auto csv = options.get("csv")) {
    std::ifstream file(*csv);
    if (!file) {
      err << "Error: cannot read " << *csv << "\n";
      return 2;
    }
    users = read_django_users_csv(file);
  } else if (auto url = options.get("database")) {
    users = read_django_users_pg(*url, options.get("table").value_or("auth_user"));
  } else {
    err << "Error: give --csv FILE or --database URL [--table auth_user].\n";
    return 2;
  }
  pqxx::connection connection(config.database_url);
  bool dry_run = options.flag("dry-run");
  auto report = import_django_users(connection, users, !options.flag("emails-unverified"), dry_run);
  for (const auto& line : report.skipped) err << "Skipped " << line << "\n";
  out << (dry_run ? "Would import " : "Imported ") << report.imported << " of " << users.size() << " users";
  if (report.unusable_passwords > 0) {
    out << "; " << report.unusable_passwords << " without a usable password (they must reset it)";
  }
  out << ".\n";
  return 0;
}

}  // namespace

std::string admin_commands_help() {
  return "Commands (default: serve):\n"
         "  serve                      run the gRPC service\n"
         "  migrate                    apply database migrations and exit\n"
         "  healthcheck                exit 0 when the service on AUTH_LISTEN_ADDR answers SERVING\n"
         "  generate-key               write a new signing key to JWT_PRIVATE_KEY_FILE unless one is there\n"
         "  createsuperuser --username NAME [--email ADDRESS] [--name NAME]\n"
         "                             password from AUTH_SUPERUSER_PASSWORD or stdin\n"
         "  deactivate --id N | --username NAME | --email ADDRESS\n"
         "                             refuse logins and revoke every session of the user (audited)\n"
         "  create-service-key NAME    make an admin API key for an internal service; prints it once\n"
         "  revoke-service-key NAME    the key stops working at once\n"
         "  list-service-keys          names, creation and revocation times (never the keys)\n"
         "  import-users --csv FILE | --database URL [--table auth_user] [--dry-run] [--emails-unverified]\n"
         "                             import Django users with their password hashes\n";
}

int run_admin_command(const AuthConfig& config, const std::vector<std::string>& args, std::istream& in,
                      std::ostream& out, std::ostream& err) {
  try {
    const std::string& command = args.at(0);
    if (command == "migrate") {
      out << "Migrations applied.\n";
      return 0;
    }
    if (command == "createsuperuser") return create_superuser(config, parse_options(args, {}), in, out, err);
    if (command == "deactivate") return deactivate(config, parse_options(args, {}), out, err);
    if (command == "create-service-key") return create_service_key(config, single_argument(args), out, err);
    if (command == "revoke-service-key") return revoke_service_key(config, single_argument(args), out, err);
    if (command == "list-service-keys") return list_service_keys(config, out);
    if (command == "import-users") {
      return import_users(config, parse_options(args, {"dry-run", "emails-unverified"}), out, err);
    }
    err << "Unknown command " << command << ".\n\n" << admin_commands_help();
    return 2;
  } catch (const std::invalid_argument& e) {
    err << "Error: " << e.what() << "\n\n" << admin_commands_help();
    return 2;
  }
}

}  // namespace auth
