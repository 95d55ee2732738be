-- The steady workloads' schema and rows; the JMH side (InProcessSqlite.java) builds the same.
-- $ROWS and $BIGROWS are replaced by bench/run's row counts.
CREATE TABLE kv(id INTEGER PRIMARY KEY, name TEXT NOT NULL, score INTEGER NOT NULL, payload TEXT NOT NULL);
CREATE TABLE log(id INTEGER PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE big(id INTEGER PRIMARY KEY, v TEXT NOT NULL);
INSERT INTO kv(id, name, score, payload) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $ROWS) SELECT x, 'name-' || x, x * 7 % 1000, hex(randomblob(50)) FROM c;
INSERT INTO big(id, v) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $BIGROWS) SELECT x, hex(randomblob(500)) FROM c
