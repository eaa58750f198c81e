CREATE TABLE users (
    id             BIGSERIAL PRIMARY KEY,
    username       TEXT,
    email          TEXT,
    name           TEXT NOT NULL DEFAULT '',
    password_hash  TEXT NOT NULL,
    is_active      BOOLEAN NOT NULL DEFAULT TRUE,
    is_staff       BOOLEAN NOT NULL DEFAULT FALSE,
    is_superuser   BOOLEAN NOT NULL DEFAULT FALSE,
    email_verified BOOLEAN NOT NULL DEFAULT FALSE,
    date_joined    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_login     TIMESTAMPTZ,
    CONSTRAINT users_identified CHECK (username IS NOT NULL OR email IS NOT NULL)
);

-- Case-insensitive uniqueness: "Alice" and "alice" are one account, as are mixed-case emails.
CREATE UNIQUE INDEX users_username_unique ON users (lower(username)) WHERE username IS NOT NULL;
CREATE UNIQUE INDEX users_email_unique ON users (lower(email)) WHERE email IS NOT NULL;
