-- The newsroom: media, revisions, corrections, preview links, sessions,
-- sign-in throttling and settings. SQLite edition (postgres/0002_newsroom.sql
-- is its twin). Timestamps are TEXT in sqliteTime format, booleans 0 or 1,
-- as in 0001_init.sql.
--
-- SQLite's ALTER TABLE ADD COLUMN cannot add a UNIQUE column (a unique index
-- does the job), a NOT NULL column needs a non-NULL default (edited_at
-- defaults to '' and is backfilled at once; every insert sets it), and a
-- column with REFERENCES must default to NULL.

CREATE TABLE media (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL UNIQUE, -- the stored original's file name
    content_type TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    bytes        INTEGER NOT NULL,
    variants     TEXT NOT NULL DEFAULT '[]', -- JSON: [{"width":..,"height":..,"name":..}], narrowest first
    alt          TEXT NOT NULL,
    caption      TEXT NOT NULL DEFAULT '',
    credit       TEXT NOT NULL DEFAULT '',
    user_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at   TEXT NOT NULL
);
CREATE INDEX media_by_date ON media (created_at DESC, id DESC);
CREATE INDEX media_by_user ON media (user_id, created_at DESC, id DESC);

ALTER TABLE articles ADD COLUMN seo_title TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN seo_description TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN featured_image_id INTEGER REFERENCES media (id) ON DELETE SET NULL;
ALTER TABLE articles ADD COLUMN scheduled_at TEXT; -- when a scheduled article goes out
-- The last save of any kind: the version concurrent saves are checked against.
ALTER TABLE articles ADD COLUMN edited_at TEXT NOT NULL DEFAULT '';
UPDATE articles SET edited_at = updated_at;
CREATE INDEX articles_by_featured_image ON articles (featured_image_id);
-- PublishDue's scan: only the few scheduled articles.
CREATE INDEX articles_due ON articles (scheduled_at) WHERE status = 'scheduled';

ALTER TABLE authors ADD COLUMN photo_id INTEGER REFERENCES media (id) ON DELETE SET NULL;
ALTER TABLE authors ADD COLUMN links TEXT NOT NULL DEFAULT '[]'; -- JSON array of URLs
ALTER TABLE authors ADD COLUMN user_id INTEGER REFERENCES users (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX authors_by_user ON authors (user_id); -- one profile per account; NULLs are distinct
CREATE INDEX authors_by_photo ON authors (photo_id);

ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));

CREATE TABLE revisions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id      INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    headline        TEXT NOT NULL,
    standfirst      TEXT NOT NULL DEFAULT '',
    editor_note     TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    label           TEXT NOT NULL,
    seo_title       TEXT NOT NULL DEFAULT '',
    seo_description TEXT NOT NULL DEFAULT '',
    minor           INTEGER NOT NULL DEFAULT 0 CHECK (minor IN (0, 1)),
    note            TEXT NOT NULL DEFAULT '',
    user_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX revisions_by_article ON revisions (article_id, id);

CREATE TABLE corrections (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    text       TEXT NOT NULL,
    text_html  TEXT NOT NULL DEFAULT '',
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX corrections_by_date ON corrections (created_at DESC, id DESC);
CREATE INDEX corrections_by_article ON corrections (article_id, created_at, id);

-- A draft's preview link; only the token's hash is stored.
CREATE TABLE preview_tokens (
    token_hash BLOB PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    user_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT -- NULL while the link works
);
CREATE INDEX preview_tokens_by_article ON preview_tokens (article_id);

CREATE TABLE sessions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash      BLOB NOT NULL UNIQUE,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    two_factor_done INTEGER NOT NULL DEFAULT 0 CHECK (two_factor_done IN (0, 1)),
    user_agent      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    last_seen_at    TEXT NOT NULL,
    expires_at      TEXT NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id, created_at DESC);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Failed sign-ins, counted per key within a window by every node.
CREATE TABLE login_failures (
    id  INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    at  TEXT NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (key, at);
CREATE INDEX login_failures_by_time ON login_failures (at);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
