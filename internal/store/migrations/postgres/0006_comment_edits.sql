-- A reader may change their own comment for a short while after posting
-- it; edited_at marks a comment so changed (NULL: never edited).
ALTER TABLE comments ADD COLUMN edited_at TIMESTAMPTZ;
