-- Migration number: 0001 	 2025-01-15T10:00:00.000Z
CREATE TABLE IF NOT EXISTS comments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  author TEXT NOT NULL,
  body TEXT NOT NULL, -- what they wrote; may contain ';'
  created_at INTEGER DEFAULT (unixepoch())
);
CREATE INDEX idx_comments_author ON comments (author);
INSERT INTO comments (author, body) VALUES ('Kristian', 'Great post; thanks!'), ('Ann', 'It''s /* fine */');


INSERT INTO "d1_migrations" (name) values ('0001_init.sql');
