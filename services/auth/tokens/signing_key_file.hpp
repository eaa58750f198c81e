#pragma once

#include <string>

namespace auth {

// The `generate-key` subcommand: writes a new EC P-256 private key (PEM, mode 0600) to `path`
// unless a file is already there, so a deployment can run it before every start. Returns true
// when it wrote one. Concurrent runs leave exactly one complete key. Throws on I/O errors.
bool generate_signing_key_file(const std::string& path);

}  // namespace auth
