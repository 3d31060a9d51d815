-- The last two-factor time step each user signed in with: a code is good
-- for one use only (RFC 6238, section 5.2), even within its 90-second window.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
