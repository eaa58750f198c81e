-- Refresh-token families (DESIGN.md): every refresh token descended from one login shares a
-- family. Rotation marks the presented token used; presenting a used token again after the
-- grace window is reuse and revokes the whole family, access tokens included (they carry the
-- family id too). Only token ids are stored, never the tokens.
CREATE TABLE token_families (
    family         TEXT PRIMARY KEY,
    user_id        BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- The latest expiry of any token of the family: after it, a revocation can be forgotten.
    expires_at     TIMESTAMPTZ NOT NULL,
    revoked_at     TIMESTAMPTZ,
    revoked_reason TEXT CHECK (revoked_reason IN ('logout', 'reuse', 'deactivated'))
);

CREATE INDEX token_families_live_by_user ON token_families (user_id) WHERE revoked_at IS NULL;
CREATE INDEX token_families_revoked ON token_families (expires_at) WHERE revoked_at IS NOT NULL;

CREATE TABLE refresh_tokens (
    jti        TEXT PRIMARY KEY,
    family     TEXT NOT NULL REFERENCES token_families (family) ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    -- The pair issued when this token was first used, sealed (AES-256-GCM) under a key derived
    -- from this token itself, so a second tab can get the same pair within the grace window
    -- while the database alone cannot reveal a usable token.
    successor  BYTEA
);

CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
