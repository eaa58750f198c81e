-- Every revocation, in commit order of its writer, for the publisher that copies revocations to
-- Redis (DESIGN.md, "Revocation"): a row is written in the same transaction as the revocation
-- itself, so a revocation that committed can never miss Redis, whatever happens to the process
-- that wrote it. Triggers, not application code, write the rows: every path that revokes (logout,
-- reuse detection, deactivation, an operator's SQL) is covered.
CREATE TABLE revocation_outbox (
    seq          BIGSERIAL PRIMARY KEY,
    member       TEXT NOT NULL,          -- "jti:<token id>" or "fam:<family id>"
    expires_at   TIMESTAMPTZ NOT NULL,   -- after it the revocation no longer matters
    published_at TIMESTAMPTZ             -- set once it is in Redis and announced
);

CREATE INDEX revocation_outbox_pending ON revocation_outbox (seq) WHERE published_at IS NULL;

CREATE FUNCTION revocation_outbox_token() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO revocation_outbox (member, expires_at) VALUES ('jti:' || NEW.jti, NEW.expires_at);
    RETURN NULL;
END;
$$;

CREATE FUNCTION revocation_outbox_family() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO revocation_outbox (member, expires_at) VALUES ('fam:' || NEW.family, NEW.expires_at);
    RETURN NULL;
END;
$$;

CREATE TRIGGER revoked_tokens_to_outbox AFTER INSERT ON revoked_tokens
    FOR EACH ROW EXECUTE FUNCTION revocation_outbox_token();

CREATE TRIGGER token_families_to_outbox AFTER UPDATE OF revoked_at ON token_families
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION revocation_outbox_family();
