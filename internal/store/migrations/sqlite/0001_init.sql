-- The initial schema, SQLite edition (postgres/0001_init.sql is its twin).
-- Timestamps are TEXT in UTC, '2006-01-02T15:04:05.000000Z' (sqliteTime in
-- dialect.go): fixed width, so text order is time order. Booleans are 0 or 1.
-- AUTOINCREMENT: an id is never reused, as in PostgreSQL, so a stale link or
-- cache entry can never point at a different row.

CREATE TABLE authors (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    bio        TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE categories (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY AUTOINCREMENT,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE articles (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    slug             TEXT NOT NULL UNIQUE,
    language         TEXT NOT NULL,
    label            TEXT NOT NULL,
    status           TEXT NOT NULL,
    headline         TEXT NOT NULL,
    standfirst       TEXT NOT NULL DEFAULT '',
    editor_note      TEXT NOT NULL DEFAULT '',
    editor_note_html TEXT NOT NULL DEFAULT '',
    body             TEXT NOT NULL,
    body_html        TEXT NOT NULL DEFAULT '',
    category_id      INTEGER NOT NULL REFERENCES categories (id),
    comments_closed  INTEGER NOT NULL DEFAULT 0 CHECK (comments_closed IN (0, 1)),
    published_at     TEXT, -- NULL until first published
    updated_at       TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
-- Lists are newest first; a draft never published sorts by its creation.
CREATE INDEX articles_by_date ON articles (status, (COALESCE(published_at, created_at)) DESC, id DESC);
CREATE INDEX articles_by_category ON articles (category_id, (COALESCE(published_at, created_at)) DESC, id DESC);

CREATE TABLE article_authors (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL REFERENCES authors (id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, author_id)
);
CREATE INDEX article_authors_by_author ON article_authors (author_id, article_id);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES tags (id),
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_by_tag ON article_tags (tag_id, article_id);

CREATE TABLE commenters (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash BLOB NOT NULL UNIQUE,
    trusted    INTEGER NOT NULL DEFAULT 0 CHECK (trusted IN (0, 1)),
    created_at TEXT NOT NULL
);

CREATE TABLE comments (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id      INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    -- A reply outlives a removed parent, shown at the top level.
    parent_id       INTEGER REFERENCES comments (id) ON DELETE SET NULL,
    author_name     TEXT NOT NULL,
    author_email    TEXT NOT NULL DEFAULT '',
    author_url      TEXT NOT NULL DEFAULT '',
    body            TEXT NOT NULL,
    body_html       TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    commenter_id    INTEGER REFERENCES commenters (id) ON DELETE SET NULL,
    ip_hash         TEXT NOT NULL DEFAULT '',
    -- The posting form's one-time key: a retried submission is stored once.
    idempotency_key TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX comments_by_article ON comments (article_id, status, id);
CREATE INDEX comments_by_status ON comments (status, id);
CREATE INDEX comments_by_parent ON comments (parent_id);
CREATE INDEX comments_by_commenter ON comments (commenter_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE, -- lower-cased, so unique regardless of case
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
