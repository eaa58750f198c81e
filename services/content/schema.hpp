#pragma once

#include "common/pg/migrations.hpp"

#include <vector>

namespace content {

// The numbered SQL files of services/content/migrations, embedded at build time.
std::vector<common::Migration> migrations();

}  // namespace content
