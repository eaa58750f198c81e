-- One canonical identity per account (issue 11, auth/identity.hpp): uniqueness and lookups
-- compare keys that are case-insensitive in full Unicode (NFKC_Casefold usernames; emails with
-- a case-folded local part and an IDNA ASCII domain), which lower() in a --no-locale cluster
-- cannot compute. The service computes the keys (ICU) and stores them here.
--
-- This file only adds empty columns and their indexes, so it cannot fail on existing data.
-- Existing rows get their keys right after, in the same start-up, under the same advisory lock
-- (auth::migrate, identity_keys.cpp), oldest account first; a later row whose key is taken
-- keeps its key NULL and is logged until an operator renames it (README, "Identities").
ALTER TABLE users ADD COLUMN username_key TEXT, ADD COLUMN email_key TEXT;

CREATE UNIQUE INDEX users_username_key_unique ON users (username_key);
CREATE UNIQUE INDEX users_email_key_unique ON users (email_key);
-- The rows still without keys: filled at start-up and by housekeeping (rows written by a
-- replica of an older version during a rolling upgrade).
CREATE INDEX users_identity_keys_missing ON users (id)
    WHERE (username IS NOT NULL AND username_key IS NULL) OR (email IS NOT NULL AND email_key IS NULL);

-- The lower() indexes of 001 stay: they refuse what an older replica could insert without
-- keys during a rolling upgrade, and serve the lookup of such rows until they have keys.
