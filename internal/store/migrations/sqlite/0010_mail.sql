-- Outgoing mail: the outbox, reply subscriptions, moderators' alerts, the
-- tokens of emailed links, and readers' erasure of their comments. SQLite
-- edition (postgres/0010_mail.sql is its twin). Timestamps are TEXT in
-- sqliteTime format, booleans 0 or 1, as in 0001_init.sql.

-- A comment erased at its author's request: its text and the author's
-- name, email, website and address hash are gone; the row stays so that
-- replies keep their place (NULL: not erased).
ALTER TABLE comments ADD COLUMN erased_at TEXT;

-- Messages waiting to be sent, being sent, or done with. A row says what
-- to send (kind and ref_id: a reply's comment ID, a staff member's user
-- ID) and is written out only when it is sent, from the database as it is
-- then, so a message about a comment removed meanwhile is skipped and an
-- emailed link's token exists nowhere but in the message. A node claims a
-- row by setting claim and claimed_until (a lease): no other node sends
-- it until the lease runs out.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    kind            TEXT    NOT NULL,
    recipient       TEXT    NOT NULL,
    ref_id          INTEGER NOT NULL DEFAULT 0,
    status          TEXT    NOT NULL, -- queued, sent, skipped, failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    claim           TEXT    NOT NULL DEFAULT '',
    claimed_until   TEXT,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    finished_at     TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);
CREATE INDEX mail_outbox_by_recipient ON mail_outbox (recipient);
CREATE INDEX mail_outbox_by_finish ON mail_outbox (finished_at);

-- A commenter who asked to be told of replies to their comment.
CREATE TABLE reply_subscriptions (
    comment_id INTEGER PRIMARY KEY REFERENCES comments (id) ON DELETE CASCADE,
    email      TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX reply_subscriptions_by_email ON reply_subscriptions (email);

-- The replies whose notification was decided (queued, or not needed):
-- the primary key makes it once per reply, whichever node gets there.
CREATE TABLE reply_notices (
    reply_id   INTEGER PRIMARY KEY REFERENCES comments (id) ON DELETE CASCADE,
    created_at TEXT    NOT NULL
);

-- Staff who asked for an email when comments wait for moderation, and
-- when they were last sent one.
CREATE TABLE moderator_alerts (
    user_id      INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    last_sent_at TEXT,
    created_at   TEXT    NOT NULL
);

-- The tokens of links sent by email (unsubscribe, a reader's data
-- request) and of the short session such a link opens. Only the token's
-- SHA-256 is stored.
CREATE TABLE mail_tokens (
    token_hash BLOB PRIMARY KEY,
    purpose    TEXT NOT NULL,
    email      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX mail_tokens_by_email ON mail_tokens (email);
CREATE INDEX mail_tokens_by_expiry ON mail_tokens (expires_at);
