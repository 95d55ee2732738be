package dev.opend1.catalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * Moves a standalone server's catalog ({@code DATA_DIR/catalog.sqlite}: accounts, API tokens,
 * operator tokens, database records) into a cluster's PostgreSQL catalog, for {@code opend1 cluster
 * import-catalog}. Both keep the same columns ({@link CatalogRows}), so a row is copied as it is,
 * its id and secret hash included: the standalone server's tokens work on every node.
 *
 * <p>All or nothing, in one PostgreSQL transaction that locks the accounts and databases tables
 * against writers. Idempotent: a row already there with the same identity (same id, and the same
 * name, owner, permission or secret hash as it has here) counts as imported, as does a token whose
 * secret is there under another id with the same owner and permission (a token configured on both
 * sides, {@code OPEND1_API_TOKEN}): it is the same credential. Refused, with nothing written, when
 * a row collides with a different one: an id with other content, a token's secret that is another
 * token's, a database name an account already uses for another database. A database the cluster
 * served and deleted since (its lease row is left, its record gone) is not brought back. A database
 * still being created or deleted in the file is refused: the standalone server finishes or discards
 * those at its next start.
 */
public final class CatalogImport {

  /** What an import did: rows added, rows found there already, databases deleted since. */
  public record Imported(int added, int present, List<String> deletedSince) {}

  /** An import refused, nothing written: the message says what collided and what to do. */
  public static final class Refused extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  /** One table's rows as read from the file, in {@code columns}' order. */
  private record Table(String name, List<String> columns, List<Object[]> rows) {}

  private CatalogImport() {}

  /**
   * Imports the catalog file {@code file} into {@code target}.
   *
   * @throws Refused when a row collides with a different one, or a database is mid-create/delete
   * @throws IllegalStateException when the file cannot be read
   */
  public static Imported into(PostgresCatalog target, Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("no catalog file " + file);
    }
    List<Table> tables = read(file);
    List<String> unfinished = new ArrayList<>();
    Table databases = tables.get(3);
    int state = databases.columns().indexOf("state");
    for (Object[] row : databases.rows()) {
      if (!"ready".equals(row[state])) {
        unfinished.add("database " + row[0] + " is '" + row[state] + "'");
      }
    }
    if (!unfinished.isEmpty()) {
      throw new Refused(
          String.join("; ", unfinished)
              + " in "
              + file
              + ": start the standalone server on its data directory once (it finishes or"
              + " discards interrupted creates and deletes), stop it, and import again");
    }
    return target
        .store()
        .transaction(
            "import the catalog " + file,
            c -> {
              try (Statement st = c.createStatement()) {
                st.execute("LOCK TABLE accounts, databases IN SHARE ROW EXCLUSIVE MODE");
              }
              Counts counts = new Counts();
              copy(c, tables.get(0), List.of("name"), counts);
              copy(c, tables.get(1), List.of("account_id", "permission", "secret_hash"), counts);
              copy(c, tables.get(2), List.of("secret_hash"), counts);
              copy(c, databases, List.of("account_id", "name"), counts);
              if (!counts.conflicts.isEmpty()) {
                throw new Refused(
                    "nothing imported from "
                        + file
                        + ": "
                        + String.join("; ", counts.conflicts)
                        + ". The cluster's catalog holds other records under the same ids,"
                        + " secrets or names; remove or rename them on one side (opend1 token,"
                        + " opend1 account, or the database's own API) and import again");
              }
              record(c, file, counts);
              return new Imported(counts.added, counts.present, List.copyOf(counts.deleted));
            });
  }

  /**
   * Records an import that went through, in its transaction: a server with this catalog starts on a
   * bucket prefix holding a standalone server's catalog copies only once a catalog was imported
   * ({@link #anyRecorded}).
   */
  private static void record(Connection c, Path file, Counts counts) throws SQLException {
    try (PreparedStatement st =
        c.prepareStatement(
            "INSERT INTO catalog_imports(source, added, present) VALUES (?, ?, ?)")) {
      st.setString(1, file.toAbsolutePath().toString());
      st.setInt(2, counts.added);
      st.setInt(3, counts.present);
      st.executeUpdate();
    }
  }

  /** Whether any catalog was ever imported into the PostgreSQL catalog {@code shared}. */
  public static boolean anyRecorded(DataSource shared) {
    try (Connection c = shared.getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM catalog_imports)")) {
      rs.next();
      return rs.getBoolean(1);
    } catch (SQLException e) {
      throw new IllegalStateException("read catalog_imports: " + e.getMessage(), e);
    }
  }

  /** Tallies of one import; conflicts make it roll back. */
  private static final class Counts {
    int added;
    int present;
    final List<String> deleted = new ArrayList<>();
    final List<String> conflicts = new ArrayList<>();
  }

  /**
   * Inserts each row unless a row with any of its unique keys is there; such a row must be the same
   * one (same id, same {@code identity} columns), or it is a conflict.
   */
  private static void copy(Connection c, Table t, List<String> identity, Counts counts)
      throws SQLException {
    List<String> columns =
        t.name().equals("databases") ? t.columns().subList(0, t.columns().size() - 1) : t.columns();
    String insert =
        "INSERT INTO "
            + t.name()
            + "("
            + String.join(", ", columns)
            + (t.name().equals("databases") ? ", state" : "")
            + ") VALUES ("
            + String.join(", ", columns.stream().map(x -> "?").toList())
            + (t.name().equals("databases") ? ", 'ready'" : "")
            + ") ON CONFLICT DO NOTHING";
    String find = "SELECT " + String.join(", ", identity) + " FROM " + t.name();
    String what = t.name().equals("operator_tokens") ? "operator token" : singular(t.name());
    for (Object[] row : t.rows()) {
      if (t.name().equals("databases") && leasedAndGone(c, row[0])) {
        counts.deleted.add((String) row[0]);
        continue;
      }
      try (PreparedStatement ps = c.prepareStatement(insert)) {
        for (int i = 0; i < columns.size(); i++) {
          ps.setObject(i + 1, row[i]);
        }
        if (ps.executeUpdate() == 1) {
          counts.added++;
          continue;
        }
      }
      List<Object[]> there = identityOf(c, find + " WHERE id = ?", identity, row[0]);
      if (there.isEmpty() && identity.contains("secret_hash")) {
        // The same secret under another id (a token configured on both sides, as
        // OPEND1_API_TOKEN is): the same credential when it grants the same.
        there =
            identityOf(
                c,
                find + " WHERE secret_hash = ?",
                identity,
                row[t.columns().indexOf("secret_hash")]);
      }
      if (there.isEmpty()) {
        counts.conflicts.add(what + " " + row[0] + ": " + takenKey(t.name()));
        continue;
      }
      String differs = null;
      for (int i = 0; i < identity.size() && differs == null; i++) {
        if (!same(row[t.columns().indexOf(identity.get(i))], there.get(0)[i])) {
          differs = identity.get(i);
        }
      }
      if (differs == null) {
        counts.present++;
      } else {
        counts.conflicts.add(
            what + " " + row[0] + " is in the cluster's catalog with another " + differs);
      }
    }
  }

  /** The {@code identity} columns of the rows {@code query} finds by its one parameter. */
  private static List<Object[]> identityOf(
      Connection c, String query, List<String> identity, Object key) throws SQLException {
    return CatalogSql.queryAll(
        c,
        query,
        ps -> ps.setObject(1, key),
        rs -> {
          Object[] v = new Object[identity.size()];
          for (int i = 0; i < v.length; i++) {
            v[i] = normal(rs.getObject(i + 1));
          }
          return v;
        });
  }

  /** Whether the cluster served this database (a lease row) and its record is gone: deleted. */
  private static boolean leasedAndGone(Connection c, Object id) throws SQLException {
    return !CatalogSql.queryAll(
            c,
            "SELECT 1 FROM database_leases l WHERE l.database_id = ?"
                + " AND NOT EXISTS (SELECT 1 FROM databases d WHERE d.id = l.database_id)",
            ps -> ps.setString(1, (String) id),
            rs -> 1)
        .isEmpty();
  }

  /** What another row of the cluster holds when a row's insert found no row with its id. */
  private static String takenKey(String table) {
    return switch (table) {
      case "databases" -> "its account already has another database of that name";
      case "accounts" -> "an account of that id is there";
      default -> "its secret is another token's in the cluster's catalog";
    };
  }

  private static String singular(String table) {
    return table.substring(0, table.length() - 1);
  }

  private static boolean same(Object a, Object b) {
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.equals(x, y);
    }
    return Objects.equals(normal(a), normal(b));
  }

  /** Numbers as longs: SQLite gives an int or a long by size, PostgreSQL a long for bigint. */
  private static Object normal(Object v) {
    return v instanceof Number n ? Long.valueOf(n.longValue()) : v;
  }

  /** Reads every row of the four tables, from the file opened read-only. */
  private static List<Table> read(Path file) {
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setOpenMode(SQLiteOpenMode.READONLY);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file, config.toProperties());
        Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
        String first = rs.next() ? rs.getString(1) : "no answer";
        if (!first.equals("ok")) {
          throw new IllegalStateException("catalog " + file + " is damaged: " + first);
        }
      }
      boolean operators;
      try (ResultSet rs =
          st.executeQuery(
              "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'operator_tokens'")) {
        operators = rs.next();
      }
      List<Table> out = new ArrayList<>();
      out.add(table(st, "accounts", "id, name, created_at_ms"));
      out.add(
          table(
              st,
              "tokens",
              "id, account_id, name, permission, secret_hash, legacy_email, created_at_ms"));
      out.add(
          operators
              ? table(st, "operator_tokens", "id, name, secret_hash, created_at_ms")
              : new Table("operator_tokens", List.of(), List.of()));
      out.add(table(st, "databases", CatalogRows.DATABASE_COLUMNS + ", state"));
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("read catalog " + file + ": " + e.getMessage(), e);
    }
  }

  private static Table table(Statement st, String name, String columns) throws SQLException {
    List<String> names = Arrays.stream(columns.split(",")).map(String::strip).toList();
    List<Object[]> rows = new ArrayList<>();
    try (ResultSet rs = st.executeQuery("SELECT " + columns + " FROM " + name + " ORDER BY id")) {
      while (rs.next()) {
        Object[] row = new Object[names.size()];
        for (int i = 0; i < row.length; i++) {
          row[i] = normal(rs.getObject(i + 1));
        }
        rows.add(row);
      }
    }
    return new Table(name, names, rows);
  }
}
