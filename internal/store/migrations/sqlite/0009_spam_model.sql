-- The labelled comments a site's spam classifier learns from, on top of
-- the starting model built into Qalam: its moderators' decisions, and
-- examples added from a file with "qalam moderation train".
--   source 'moderator': a comment a moderator marked spam, or approved after
--     it was held or marked spam; one row per comment, its latest decision.
--     Only the decision is kept here. The text is the comment's own, read
--     through comment_id, so that erasing the comment at its author's
--     request takes it out of training too.
--   source 'file': a labelled comment from a file, under the file's id for
--     it (file_id, which makes adding a file twice add nothing), with its
--     text, language and article topic.
-- A decision replaces its comment's row rather than updating it: ids only
-- grow, so the number of rows and the highest id say whether anything
-- changed, which every node polls.
CREATE TABLE spam_examples (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    source       TEXT    NOT NULL CHECK (source IN ('moderator', 'file')),
    label        TEXT    NOT NULL CHECK (label IN ('ham', 'spam')),
    comment_id   INTEGER UNIQUE REFERENCES comments (id) ON DELETE CASCADE,
    user_id      INTEGER REFERENCES users (id) ON DELETE SET NULL,
    file_id      TEXT    UNIQUE,
    lang         TEXT    NOT NULL DEFAULT '',
    topic        TEXT    NOT NULL DEFAULT '',
    author_name  TEXT    NOT NULL DEFAULT '',
    author_email TEXT    NOT NULL DEFAULT '',
    author_url   TEXT    NOT NULL DEFAULT '',
    body         TEXT    NOT NULL DEFAULT '',
    created_at   TEXT    NOT NULL,
    CHECK ((source = 'moderator' AND comment_id IS NOT NULL AND file_id IS NULL)
        OR (source = 'file' AND comment_id IS NULL AND file_id IS NOT NULL))
);
