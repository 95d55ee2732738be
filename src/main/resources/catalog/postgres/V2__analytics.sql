-- The analytics (analytics/PostgresAnalyticsStore): per database and minute, and per statement
-- shape, database and minute, as in analytics.sqlite (analytics/SqliteAnalyticsStore). A shape's
-- text is stored once, found by its SHA-256 (a text can be longer than a btree entry may be).
CREATE TABLE analytics_database_minutes(
  account text COLLATE "C" NOT NULL,
  database text COLLATE "C" NOT NULL,
  minute bigint NOT NULL,
  read_queries bigint NOT NULL,
  write_queries bigint NOT NULL,
  rows_read bigint NOT NULL,
  rows_written bigint NOT NULL,
  batches bigint NOT NULL,
  errors bigint NOT NULL,
  batch_ms double precision NOT NULL,
  batch_times bytea NOT NULL,
  response_bytes bigint NOT NULL,
  size_bytes bigint NOT NULL,
  PRIMARY KEY (account, minute, database));

CREATE INDEX analytics_database_minutes_by_minute ON analytics_database_minutes(minute);

CREATE TABLE analytics_query_texts(
  id bigserial PRIMARY KEY,
  hash bytea NOT NULL UNIQUE,
  text text NOT NULL);

CREATE TABLE analytics_query_minutes(
  account text COLLATE "C" NOT NULL,
  database text COLLATE "C" NOT NULL,
  minute bigint NOT NULL,
  query bigint NOT NULL,
  count bigint NOT NULL,
  duration_ms double precision NOT NULL,
  durations bytea NOT NULL,
  rows_read bigint NOT NULL,
  rows_written bigint NOT NULL,
  rows_returned bigint NOT NULL,
  PRIMARY KEY (account, minute, database, query));

CREATE INDEX analytics_query_minutes_by_minute ON analytics_query_minutes(minute);
