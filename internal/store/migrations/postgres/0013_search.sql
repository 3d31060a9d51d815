-- Full-text search over published articles (sqlite/0013_search.sql is its
-- twin). The store writes the index in the same transaction as the article,
-- from text folded in Go (package textfold), because the folding that makes
-- Urdu searchable cannot be done in SQL. Only published articles have an
-- entry; Migrate fills in what is missing or was folded by older rules.
--
-- The document is built in Go as tsvector text ('word':1A ...) and cast,
-- bypassing PostgreSQL's parser and dictionaries: the words are exactly the
-- ones textfold made, as in SQLite, whatever the server's locale. Weights:
-- A headline; B standfirst, tags and authors; C body.
CREATE TABLE search_documents (
    article_id BIGINT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    document   TSVECTOR NOT NULL
);
CREATE INDEX search_documents_document ON search_documents USING GIN (document);
-- Documents stay in the table, compressed, unless larger than a page: the
-- planner costs a scan by the table's pages and cannot see TOAST, so with
-- documents out of line it would scan every one rather than use the index.
ALTER TABLE search_documents ALTER COLUMN document SET STORAGE MAIN;
