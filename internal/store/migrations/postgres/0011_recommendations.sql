-- Readers recommend comments, each reader once per comment. The count is
-- kept on the comment as well, so an article's counts are one indexed read
-- rather than a count over every recommendation.
ALTER TABLE comments ADD COLUMN recommendations INTEGER NOT NULL DEFAULT 0;

CREATE TABLE recommendations (
    comment_id BIGINT      NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    -- Who recommended: an opaque key the site derives from the reader's
    -- commenter token or browser token; never an address or an email.
    reader     TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (comment_id, reader)
);
CREATE INDEX recommendations_by_reader ON recommendations (reader);
