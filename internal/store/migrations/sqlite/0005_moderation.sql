-- The audit log: who did what to which object, and why. A departed staff
-- member's entries stay, unattributed.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action      TEXT    NOT NULL,
    target_type TEXT    NOT NULL,
    target_id   INTEGER NOT NULL DEFAULT 0,
    reason      TEXT    NOT NULL DEFAULT '',
    detail      TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL
);
CREATE INDEX audit_log_by_time ON audit_log (created_at, id);
CREATE INDEX audit_log_by_target ON audit_log (target_type, target_id);
CREATE INDEX audit_log_by_user ON audit_log (user_id, created_at);

-- The moderation queue counts a commenter's history by address.
CREATE INDEX comments_by_email ON comments (author_email, status);
