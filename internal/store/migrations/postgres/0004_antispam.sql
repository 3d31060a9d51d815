-- Rate limits shared by every node: one row per (scope, key, window
-- length), counting the hits of the window that ends at expires_at.
CREATE TABLE rate_limits (
    scope      TEXT        NOT NULL,
    key        TEXT        NOT NULL,
    window_ms  BIGINT      NOT NULL,
    count      INTEGER     NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, key, window_ms)
);
CREATE INDEX rate_limits_by_expiry ON rate_limits (expires_at);

-- Duplicate detection reads an article's recent comments.
CREATE INDEX comments_by_article_time ON comments (article_id, created_at);
