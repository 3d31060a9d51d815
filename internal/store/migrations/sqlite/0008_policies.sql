-- Discussion policies: the site's own (scope 'site', target 0) and
-- overrides for a category, a tag or an article. A field left NULL (mode
-- '') is inherited. The reference columns cascade, so an override goes
-- with what it overrides; target_id repeats the one in use, to key the row.
--   close_after_hours: 0 never closes, -1 closed at once, else hours after
--                      publication
--   max_links:         -1 any number, else the most a comment may carry
CREATE TABLE discussion_policies (
    scope             TEXT    NOT NULL,
    target_id         INTEGER NOT NULL DEFAULT 0,
    category_id       INTEGER REFERENCES categories (id) ON DELETE CASCADE,
    tag_id            INTEGER REFERENCES tags (id) ON DELETE CASCADE,
    article_id        INTEGER REFERENCES articles (id) ON DELETE CASCADE,
    mode              TEXT    NOT NULL DEFAULT '',
    close_after_hours INTEGER,
    max_links         INTEGER,
    updated_at        TEXT    NOT NULL,
    PRIMARY KEY (scope, target_id),
    CHECK ((scope = 'site' AND target_id = 0)
        OR (scope = 'category' AND category_id = target_id)
        OR (scope = 'tag' AND tag_id = target_id)
        OR (scope = 'article' AND article_id = target_id))
);
CREATE INDEX discussion_policies_by_category ON discussion_policies (category_id);
CREATE INDEX discussion_policies_by_tag ON discussion_policies (tag_id);
CREATE INDEX discussion_policies_by_article ON discussion_policies (article_id);

-- Bans: a commenter banned by email (lower-cased), by name (matched on its
-- folded form), by browser (commenter token) or by address hash, from a
-- comment in the queue or by hand. A ban ends when it expires (NULL: never)
-- or is lifted; ended bans stay, as a record.
CREATE TABLE bans (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    email        TEXT    NOT NULL DEFAULT '',
    name         TEXT    NOT NULL DEFAULT '',
    name_key     TEXT    NOT NULL DEFAULT '',
    commenter_id INTEGER REFERENCES commenters (id) ON DELETE SET NULL,
    ip_hash      TEXT    NOT NULL DEFAULT '',
    comment_id   INTEGER REFERENCES comments (id) ON DELETE SET NULL,
    reason       TEXT    NOT NULL DEFAULT '',
    user_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT    NOT NULL,
    expires_at   TEXT,
    lifted_at    TEXT,
    lifted_by    INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX bans_by_email ON bans (email);
CREATE INDEX bans_by_name ON bans (name_key);
CREATE INDEX bans_by_commenter ON bans (commenter_id);
CREATE INDEX bans_by_address ON bans (ip_hash);
CREATE INDEX bans_by_time ON bans (created_at, id);

-- Why screening held a comment or marked it as spam; '' when it was
-- published at once.
ALTER TABLE comments ADD COLUMN moderation_reason TEXT NOT NULL DEFAULT '';
