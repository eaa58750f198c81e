-- The admin API (auth.v1.AdminService, proto/auth/v1/admin.proto): its audit log and the keys
-- of the internal services that call it.

-- Every admin action that changes something, written in the transaction of the change. No
-- foreign key on target_user: the log must outlive the users it names.
CREATE TABLE audit_log (
    id          BIGSERIAL PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor       TEXT NOT NULL,                -- "user:<id>", "service:<name>", "cli:<os user>"
    action      TEXT NOT NULL,                -- "user.deactivate", "service_key.create", ...
    target_user BIGINT,
    client_ip   TEXT NOT NULL DEFAULT '',
    detail      JSONB NOT NULL DEFAULT '{}'
);

CREATE INDEX audit_log_by_target ON audit_log (target_user, id) WHERE target_user IS NOT NULL;

-- Service credentials ("authorization: ServiceKey <key>"): only a SHA-256 of each key is kept,
-- so this table alone opens nothing. A revoked key keeps its row (and its name) for the audit.
CREATE TABLE service_keys (
    id         BIGSERIAL PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    key_hash   BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at TIMESTAMPTZ
);
