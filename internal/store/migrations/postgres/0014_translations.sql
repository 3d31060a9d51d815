-- Linked translations: an article and the same article in the other
-- language. A link is two rows, one from each side, so either page finds
-- its twin with one lookup; an article names at most one translation and
-- is named by at most one. Deleting either article removes the link.
CREATE TABLE article_translations (
    article_id     BIGINT NOT NULL PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    translation_id BIGINT NOT NULL UNIQUE REFERENCES articles (id) ON DELETE CASCADE,
    CHECK (article_id <> translation_id)
);
