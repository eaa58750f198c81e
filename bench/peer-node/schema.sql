-- The Node peer's schema, created by the primary at start (idempotent). The same columns as
-- the Django peer's auth_user (the ones it uses), posts_post and simplejwt's blacklist.
CREATE TABLE IF NOT EXISTS users (
    id          bigserial PRIMARY KEY,
    username    varchar(150) NOT NULL UNIQUE,
    email       varchar(254) NOT NULL DEFAULT '',
    first_name  varchar(150) NOT NULL DEFAULT '',
    password    varchar(128) NOT NULL,
    is_active   boolean NOT NULL DEFAULT true,
    date_joined timestamptz NOT NULL DEFAULT now(),
    last_login  timestamptz
);

CREATE TABLE IF NOT EXISTS posts (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title      varchar(200) NOT NULL,
    content    text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS posts_user_id_idx ON posts (user_id);

-- Used refresh tokens: a refresh inserts the presented token's jti here, and a conflict is a
-- reuse (one statement, so two concurrent refreshes with one token cannot both succeed).
-- Rows could be deleted once expires_at has passed; the benchmark never needs to.
CREATE TABLE IF NOT EXISTS refresh_token_blacklist (
    jti        uuid PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz NOT NULL DEFAULT now()
);
