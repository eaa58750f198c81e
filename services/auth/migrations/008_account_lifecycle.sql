-- The account lifecycle (issue 14): password reset, email change, sessions, account deletion.

-- Why a session ended.
ALTER TABLE token_families DROP CONSTRAINT IF EXISTS token_families_revoked_reason_check;
ALTER TABLE token_families ADD CONSTRAINT token_families_revoked_reason_check
    CHECK (revoked_reason IN ('logout', 'reuse', 'deactivated', 'password_change', 'password_reset',
                              'account_deleted', 'session_ended', 'admin'));

-- What the sessions page shows: the client as the gateway saw it at the last login or refresh.
ALTER TABLE token_families
    ADD COLUMN last_used_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    ADD COLUMN user_agent   TEXT NOT NULL DEFAULT '',
    ADD COLUMN client_ip    TEXT NOT NULL DEFAULT '';

-- Single-use, expiring password reset tokens; only a SHA-256 of each is stored. Issuing one, and
-- any change of the password, marks the user's earlier ones used: only the newest can work.
CREATE TABLE password_resets (
    token_hash BYTEA PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);

CREATE INDEX password_resets_live_by_user ON password_resets (user_id) WHERE used_at IS NULL;

-- "Mail me a reset link" and "resend my verification link", as asked: the request path only
-- records the address, whether or not an account has it, so its answer and timing cannot tell;
-- a background worker resolves each row (and deletes it) in a transaction of its own.
CREATE TABLE account_mail_requests (
    id         BIGSERIAL PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('password_reset', 'verification')),
    email      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A changed email waits here until the link mailed to it is used; its key (auth/identity.hpp)
-- finds it when a new link is asked for. Not unique: two accounts may both want an address
-- until one of them proves it.
ALTER TABLE users ADD COLUMN pending_email TEXT, ADD COLUMN pending_email_key TEXT;
CREATE INDEX users_pending_email_key ON users (pending_email_key) WHERE pending_email_key IS NOT NULL;
-- 'verify' proves the address the account has; 'change' proves a pending new one.
ALTER TABLE email_verifications
    ADD COLUMN purpose TEXT NOT NULL DEFAULT 'verify' CHECK (purpose IN ('verify', 'change'));

-- A deleted account (DeleteMe) is anonymized, not removed: every personal field is erased and
-- the identifiers are free again, but the row stays as a tombstone, because its sessions'
-- revocations (token_families) must outlive it until its tokens expire, and ids are never
-- reused.
ALTER TABLE users ADD COLUMN deleted_at TIMESTAMPTZ;
ALTER TABLE users DROP CONSTRAINT users_identified;
ALTER TABLE users ADD CONSTRAINT users_identified
    CHECK (username IS NOT NULL OR email IS NOT NULL OR deleted_at IS NOT NULL);

-- Deleted accounts whose content the content service has not yet removed: written in the
-- transaction that deletes the user, delivered until content acknowledges (README.md, "Account
-- lifecycle").
CREATE TABLE account_deletions (
    user_id            BIGINT PRIMARY KEY,
    deleted_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts           INTEGER NOT NULL DEFAULT 0,
    next_attempt_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_error         TEXT,
    content_removed_at TIMESTAMPTZ
);

CREATE INDEX account_deletions_due ON account_deletions (next_attempt_at) WHERE content_removed_at IS NULL;
