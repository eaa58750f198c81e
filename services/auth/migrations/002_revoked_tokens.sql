-- Revoked token ids (never the tokens themselves). The durable record; Redis holds a copy with
-- a TTL for fast checks. Rows past expires_at can be purged: the token is dead anyway.
CREATE TABLE revoked_tokens (
    jti        TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL,
    token_type TEXT NOT NULL CHECK (token_type IN ('access', 'refresh')),
    expires_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX revoked_tokens_expires_at ON revoked_tokens (expires_at);
