-- Full-text search over published articles (postgres/0013_search.sql is its
-- twin). The store writes the index in the same transaction as the article,
-- from text folded in Go (package textfold), because the folding that makes
-- Urdu searchable cannot be done in SQL. Only published articles have an
-- entry; Migrate fills in what is missing or was folded by older rules.

-- One row per indexed article: which folding rules made its entry.
CREATE TABLE search_documents (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL
);

-- The folded words, rowid = article id. Contentless: the original text is in
-- articles, tags and authors, where snippets are cut from. The ascii
-- tokenizer splits on ASCII punctuation and spaces only and keeps every
-- other character, so FTS5 sees exactly the words textfold made, as
-- PostgreSQL does.
CREATE VIRTUAL TABLE search_fts USING fts5 (
    headline, standfirst, tags, authors, body,
    content = '', contentless_delete = 1, tokenize = 'ascii'
);
