-- Sessions ended by a password change (ChangePassword) say so.
ALTER TABLE token_families DROP CONSTRAINT IF EXISTS token_families_revoked_reason_check;
ALTER TABLE token_families ADD CONSTRAINT token_families_revoked_reason_check
    CHECK (revoked_reason IN ('logout', 'reuse', 'deactivated', 'password_change'));
