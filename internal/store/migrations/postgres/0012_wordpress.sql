-- Imports from WordPress ("qalam import wordpress"). PostgreSQL edition
-- (sqlite/0012_wordpress.sql is its twin).
--
-- wordpress_objects records what each object of an export became, keyed by
-- the exporting site and WordPress's own id, so that running an import again
-- changes nothing and an interrupted one resumes where it stopped. It also
-- keeps what Qalam has no field for: a category's WordPress parent (Qalam's
-- categories are flat) and whether a post was sticky.
CREATE TABLE wordpress_objects (
    site      TEXT    NOT NULL, -- the export's wp:base_site_url
    kind      TEXT    NOT NULL, -- author, user, category, tag, post, page or attachment
    wp_id     BIGINT  NOT NULL,
    -- By kind: authors.id, commenters.id (a registered commenter),
    -- categories.id, tags.id, articles.id (posts and pages) or media.id.
    qalam_id  BIGINT  NOT NULL,
    wp_parent BIGINT  NOT NULL DEFAULT 0, -- a category's parent, by WordPress id; 0 for none
    sticky    BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (site, kind, wp_id)
);
-- /?p=ID and friends look an id up whatever the site.
CREATE INDEX wordpress_objects_by_wp_id ON wordpress_objects (kind, wp_id);

-- The old site's addresses that answer with a permanent redirect: paths
-- lower-cased, percent-decoded and without a trailing slash. The first
-- import to claim a path keeps it.
CREATE TABLE wordpress_paths (
    path      TEXT   PRIMARY KEY,
    kind      TEXT   NOT NULL, -- article, category, tag, author or media
    target_id BIGINT NOT NULL
);
