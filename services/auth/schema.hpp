#pragma once

#include "common/pg/migrations.hpp"

#include <vector>

namespace auth {

// The numbered SQL files of services/auth/migrations, embedded at build time.
std::vector<common::Migration> migrations();

}  // namespace auth
