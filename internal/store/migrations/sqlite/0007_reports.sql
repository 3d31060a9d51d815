-- Readers report comments; a comment reported by enough distinct readers
-- (distinct address hashes) is held for a moderator. A reader's repeat
-- report of the same comment is stored once.
CREATE TABLE reports (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    comment_id    INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    reason        TEXT    NOT NULL,
    note          TEXT    NOT NULL DEFAULT '',
    reporter_hash TEXT    NOT NULL,
    created_at    TEXT    NOT NULL,
    UNIQUE (comment_id, reporter_hash)
);
