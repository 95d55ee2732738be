package dev.opend1.catalog;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The catalog file's tables, versioned by {@code PRAGMA user_version}: an older file is brought up
 * to date step by step, a newer one is refused (it was written by a newer opend1).
 */
final class CatalogSchema {

  static final int VERSION = 2;

  private CatalogSchema() {}

  static void migrate(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement()) {
      int version;
      try (ResultSet rs = st.executeQuery("PRAGMA user_version")) {
        version = rs.getInt(1);
      }
      if (version > VERSION) {
        throw new IllegalStateException(
            "catalog schema version "
                + version
                + " is newer than this opend1 understands ("
                + VERSION
                + "); run a newer opend1");
      }
      if (version < 1) {
        conn.setAutoCommit(false);
        st.executeUpdate(
            """
            CREATE TABLE IF NOT EXISTS accounts(
              id TEXT PRIMARY KEY,
              name TEXT NOT NULL,
              created_at_ms INTEGER NOT NULL)""");
        st.executeUpdate(
            """
            CREATE TABLE IF NOT EXISTS tokens(
              id TEXT PRIMARY KEY,
              account_id TEXT NOT NULL REFERENCES accounts(id),
              name TEXT NOT NULL,
              permission TEXT NOT NULL CHECK (permission IN ('read','edit')),
              secret_hash BLOB NOT NULL UNIQUE,
              legacy_email TEXT,
              created_at_ms INTEGER NOT NULL)""");
        st.executeUpdate(
            """
            CREATE TABLE IF NOT EXISTS databases(
              id TEXT PRIMARY KEY,
              account_id TEXT NOT NULL REFERENCES accounts(id),
              name TEXT NOT NULL,
              created_at_ms INTEGER NOT NULL,
              location_hint TEXT,
              jurisdiction TEXT,
              created_in_region TEXT NOT NULL,
              read_replication TEXT NOT NULL,
              state TEXT NOT NULL CHECK (state IN ('creating','ready','deleting')),
              UNIQUE(account_id, name))""");
        st.executeUpdate(
            "CREATE INDEX IF NOT EXISTS databases_by_account"
                + " ON databases(account_id, created_at_ms, id)");
        st.executeUpdate("PRAGMA user_version = 1");
        conn.commit();
        conn.setAutoCommit(true);
      }
      if (version < 2) {
        // Version 2: operator tokens, kept apart from accounts' tokens so neither can pass for
        // the other.
        conn.setAutoCommit(false);
        st.executeUpdate(
            """
            CREATE TABLE IF NOT EXISTS operator_tokens(
              id TEXT PRIMARY KEY,
              name TEXT NOT NULL,
              secret_hash BLOB NOT NULL UNIQUE,
              created_at_ms INTEGER NOT NULL)""");
        st.executeUpdate("PRAGMA user_version = 2");
        conn.commit();
        conn.setAutoCommit(true);
      }
    }
  }
}
