PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, "end" TEXT, note TEXT);
INSERT INTO users VALUES(1,'O''Brien; the first','2024-01-01','-- not a comment; /* nor this */');
INSERT INTO users VALUES(2,'semi;colon',NULL,replace('line1\nline2;\nEND;','\n',char(10)));
INSERT INTO users VALUES(3,'"quoted"','x','CASE WHEN 1 THEN 2 END;');
CREATE TABLE IF NOT EXISTS "audit log" (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id), what TEXT, data BLOB);
INSERT INTO "audit log" VALUES(1,1,'created',X'00ff3b27');
INSERT INTO "audit log" VALUES(2,2,'BEGIN; END;',NULL);
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('users',3);
CREATE INDEX "idx audit" ON "audit log"(user_id);
CREATE VIEW v_users AS SELECT id, name, CASE WHEN "end" IS NULL THEN 'open;' ELSE 'closed' END AS state FROM users;
CREATE TRIGGER users_audit AFTER UPDATE OF name ON users
WHEN (CASE WHEN new.name <> old.name THEN 1 ELSE 0 END) = 1
BEGIN
  INSERT INTO "audit log" (user_id, what) VALUES (new.id, CASE WHEN new."end" IS NULL THEN 'renamed; open' ELSE 'renamed' END);
  UPDATE users SET "end" = (SELECT CASE WHEN count(*) > 0 THEN 'y' END FROM "audit log" WHERE user_id = new.id) WHERE id = new.id;
END;
CREATE TRIGGER users_end BEFORE DELETE ON users BEGIN SELECT RAISE(ABORT, 'cannot delete; END'); END;
COMMIT;
