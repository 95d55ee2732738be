package dev.opend1.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.Permission;
import dev.opend1.testing.Postgres;
import dev.opend1.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The catalog in a real PostgreSQL: the {@link CatalogContractTest} (each test on a database of its
 * own), and what is PostgreSQL's alone: the schema's migrations and how a secret is stored.
 */
class PostgresCatalogTest extends CatalogContractTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  private String database;

  @Override
  Catalog openEmpty() {
    database = PG.fresh();
    return openSame();
  }

  @Override
  Catalog openSame() {
    return PostgresCatalog.open(PG.server().jdbcUrl(database), Postgres.USER, Postgres.PASSWORD);
  }

  @Override
  void cleanUp() {
    PG.server().dropDatabase(database);
  }

  private <T> List<T> sql(String query, CatalogSql.RowReader<T> reader) throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                PG.server().jdbcUrl(database), Postgres.USER, Postgres.PASSWORD);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(query)) {
      List<T> out = new ArrayList<>();
      while (rs.next()) {
        out.add(reader.read(rs));
      }
      return out;
    }
  }

  @Test
  void tokenSecretsAreStoredOnlyAsTheirHash() throws Exception {
    IssuedToken t = catalog.tokens().create(account, "t", Permission.EDIT, Optional.empty());
    OperatorToken.Issued op = catalog.tokens().createOperator("ops");
    String rows =
        String.join("\n", sql("SELECT t::text FROM tokens t", rs -> rs.getString(1)))
            + String.join(
                "\n", sql("SELECT o::text FROM operator_tokens o", rs -> rs.getString(1)));
    assertThat(rows).doesNotContain(t.secret()).doesNotContain(op.secret());
    assertThat(rows)
        .contains(HexFormat.of().formatHex(Secrets.hash(t.secret())))
        .contains(HexFormat.of().formatHex(Secrets.hash(op.secret())));
  }

  @Test
  void theSchemaIsMigratedOnceWhenNodesStartTogether() throws Exception {
    // A database no node has opened yet, and six nodes opening it at once.
    database = PG.fresh();
    List<Catalog> opened =
        race(
            6,
            i ->
                () ->
                    PostgresCatalog.open(
                        PG.server().jdbcUrl(database), Postgres.USER, Postgres.PASSWORD));
    try {
      assertThat(
              sql(
                  "SELECT version, file FROM schema_version ORDER BY version",
                  rs -> rs.getInt(1) + " " + rs.getString(2)))
          .containsExactly(
              "1 V1__catalog.sql",
              "2 V2__analytics.sql",
              "3 V3__cluster.sql",
              "4 V4__pending_node.sql",
              "5 V5__moves.sql",
              "6 V6__replica_lag.sql",
              "7 V7__node_left.sql",
              "8 V8__replica_copies.sql",
              "9 V9__catalog_imports.sql");
      opened.get(0).accounts().create("x");
      assertThat(opened.get(5).accounts().list()).hasSize(1);
    } finally {
      opened.forEach(Catalog::close);
    }
  }

  @Test
  void nodesStartingOnAnEmptyCatalogMakeOneFirstAccount() throws Exception {
    database = PG.fresh();
    List<Catalog> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        nodes.add(openSame());
      }
      List<Optional<Account>> made = race(8, i -> () -> nodes.get(i).accounts().createFirst("n"));
      assertThat(made).filteredOn(Optional::isPresent).hasSize(1);
      assertThat(nodes.get(0).accounts().list())
          .extracting(Account::id)
          .containsExactly(made.stream().flatMap(Optional::stream).findFirst().get().id());
    } finally {
      nodes.forEach(Catalog::close);
    }
  }

  @Test
  void aNodeFindsOnlyItsOwnUnfinishedCreatesAndDeletes() {
    String url = PG.server().jdbcUrl(database);
    try (Catalog a = PostgresCatalog.open(url, Postgres.USER, Postgres.PASSWORD, "node-a");
        Catalog b = PostgresCatalog.open(url, Postgres.USER, Postgres.PASSWORD, "node-b")) {
      DatabaseRecord creatingOnA = record(account, "a-creating", 1);
      a.databases().reserve(creatingOnA, 100);
      DatabaseRecord deletingOnB = record(account, "b-deleting", 2);
      b.databases().reserve(deletingOnB, 100);
      b.databases().activate(deletingOnB.id());
      b.databases().markDeleting(deletingOnB.id());
      // A catalog that marks nothing (the CLI's, or a version before nodes marked their steps)
      // leaves rows that every node finishes.
      DatabaseRecord unmarked = record(account, "unmarked", 3);
      catalog.databases().reserve(unmarked, 100);

      assertThat(a.databases().unfinished())
          .containsExactlyInAnyOrder(creatingOnA.id(), unmarked.id());
      assertThat(b.databases().unfinished())
          .containsExactlyInAnyOrder(deletingOnB.id(), unmarked.id());
      // A node's delete of a record another node reserved makes the delete its own.
      a.databases().markDeleting(creatingOnA.id());
      b.databases().markDeleting(creatingOnA.id());
      assertThat(a.databases().unfinished()).doesNotContain(creatingOnA.id());
      assertThat(b.databases().unfinished()).contains(creatingOnA.id());
    }
  }

  @Test
  void aNewerSchemaIsRefused() throws Exception {
    try (Connection c =
            DriverManager.getConnection(
                PG.server().jdbcUrl(database), Postgres.USER, Postgres.PASSWORD);
        Statement st = c.createStatement()) {
      st.execute("INSERT INTO schema_version(version, file) VALUES (99, 'V99__future.sql')");
    }
    assertThatThrownBy(this::openSame)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("schema version 99 is newer than this opend1 understands");
  }

  @Test
  void aWrongPasswordSaysSoAndNamesNoSecret() {
    assertThatThrownBy(
            () ->
                PostgresCatalog.open(
                    PG.server().jdbcUrl(database), Postgres.USER, "not-the-password"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("password authentication failed")
        .hasMessageContaining("connect to the catalog jdbc:postgresql://127.0.0.1:")
        .message()
        .doesNotContain("not-the-password");
  }
}
