#pragma once

#include "auth/app/auth_config.hpp"

#include <istream>
#include <ostream>
#include <string>
#include <vector>

// The auth binary's admin subcommands, like Django's manage.py: create the first superuser,
// deactivate a user (ending their sessions), make and revoke the admin API's service keys,
// import users from a Django deployment. Changes go through AdminActions, as the admin RPCs
// do, and are audited with the actor "cli:<$SUDO_USER, else $USER>".
namespace auth {

std::string admin_commands_help();

// Runs `args` ({"createsuperuser", "--username", "admin", ...}); returns the exit code.
int run_admin_command(const AuthConfig& config, const std::vector<std::string>& args, std::istream& in,
                      std::ostream& out, std::ostream& err);

}  // namespace auth
