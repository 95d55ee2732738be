package dev.opend1.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.AccountId;
import dev.opend1.core.DatabaseId;
import dev.opend1.core.Permission;
import dev.opend1.core.Region;
import dev.opend1.testing.Postgres;
import dev.opend1.testing.PostgresDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone server's catalog file imported into a real PostgreSQL catalog: every account, token
 * (its secret works there) and database record comes along; a second import adds nothing; a
 * collision with a different record, or a database mid-create, refuses the whole import.
 */
class CatalogImportTest {

  @RegisterExtension static final PostgresDatabase PG = new PostgresDatabase();

  @TempDir Path dir;

  private String database;
  private PostgresCatalog cluster;
  private SqliteCatalog standalone;
  private Path file;
  private AccountId account;
  private String secret;
  private String operatorSecret;
  private DatabaseRecord orders;

  @BeforeEach
  void open() {
    database = PG.fresh();
    cluster = PostgresCatalog.open(PG.server().jdbcUrl(database), Postgres.USER, Postgres.PASSWORD);
    file = dir.resolve("catalog.sqlite");
    standalone = SqliteCatalog.open(file);
    account = standalone.accounts().create("standalone").id();
    secret =
        standalone.tokens().create(account, "wrangler", Permission.EDIT, Optional.empty()).secret();
    operatorSecret = standalone.tokens().createOperator("ops").secret();
    orders = record(account, "orders");
    standalone.databases().reserve(orders, 100);
    standalone.databases().activate(orders.id());
  }

  @AfterEach
  void close() {
    standalone.close();
    cluster.close();
    PG.server().dropDatabase(database);
  }

  private static DatabaseRecord record(AccountId owner, String name) {
    return new DatabaseRecord(
        DatabaseId.random(),
        owner,
        name,
        Instant.ofEpochMilli(1_700_000_000_123L),
        Optional.of(Region.WEUR),
        Optional.empty(),
        Region.WEUR,
        "auto");
  }

  @Test
  void everyRecordComesAlongAndASecondImportAddsNothing() {
    DataSource shared = cluster.sharedDatabase().orElseThrow();
    assertThat(CatalogImport.anyRecorded(shared)).as("nothing imported yet").isFalse();
    CatalogImport.Imported first = CatalogImport.into(cluster, file);
    assertThat(first.added()).as("an account, a token, an operator token, a database").isEqualTo(4);
    assertThat(first.present()).isZero();

    assertThat(cluster.accounts().find(account).orElseThrow().name()).isEqualTo("standalone");
    ApiToken t = cluster.tokens().findBearer(secret).orElseThrow();
    assertThat(t.account()).isEqualTo(account);
    assertThat(t.permission()).isEqualTo(Permission.EDIT);
    assertThat(cluster.tokens().findOperator(operatorSecret)).isPresent();
    assertThat(cluster.databases().find(account, orders.id())).contains(orders);
    assertThat(cluster.databases().findByName(account, "orders")).contains(orders);

    CatalogImport.Imported again = CatalogImport.into(cluster, file);
    assertThat(again.added()).isZero();
    assertThat(again.present()).isEqualTo(4);
    // Each import that went through is recorded: a server with this catalog may then start on a
    // bucket prefix that holds a standalone server's catalog copies (PrefixGuard).
    assertThat(CatalogImport.anyRecorded(shared)).isTrue();
    assertThat(imports())
        .containsExactlyInAnyOrder(file.toAbsolutePath() + " 4 0", file.toAbsolutePath() + " 0 4");
  }

  /** The recorded imports: source, added, present. */
  private List<String> imports() {
    List<String> found = new ArrayList<>();
    try (Connection c = cluster.sharedDatabase().orElseThrow().getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT source, added, present FROM catalog_imports")) {
      while (rs.next()) {
        found.add(rs.getString(1) + " " + rs.getInt(2) + " " + rs.getInt(3));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return found;
  }

  @Test
  void aNameTakenByAnotherDatabaseRefusesTheWholeImport() {
    // The cluster made the same account (as a configured OPEND1_ACCOUNT_ID would) and a database
    // of the same name in it; the file also has a second account, which must not be imported.
    cluster.accounts().ensure(account, "standalone");
    DatabaseRecord other = record(account, "orders");
    cluster.databases().reserve(other, 100);
    cluster.databases().activate(other.id());
    AccountId second = standalone.accounts().create("second").id();

    assertThatThrownBy(() -> CatalogImport.into(cluster, file))
        .isInstanceOf(CatalogImport.Refused.class)
        .hasMessageContaining("nothing imported")
        .hasMessageContaining("database " + orders.id())
        .hasMessageContaining("already has another database of that name")
        .hasMessageContaining("import again");
    assertThat(cluster.accounts().find(second)).as("all or nothing").isEmpty();
    assertThat(cluster.tokens().findBearer(secret)).isEmpty();
    assertThat(imports()).as("a refused import is not recorded").isEmpty();
  }

  @Test
  void aTokenConfiguredOnBothSidesIsTheSameCredentialButNotForAnotherAccount() {
    // The same secret configured on the standalone server and on a node (OPEND1_API_TOKEN): the
    // two rows have different ids, and grant the same.
    cluster.accounts().ensure(account, "standalone");
    cluster.tokens().ensure(account, secret, "from OPEND1_API_TOKEN", Permission.EDIT);
    CatalogImport.Imported done = CatalogImport.into(cluster, file);
    assertThat(done.present()).as("the account and the token").isEqualTo(2);
    assertThat(cluster.databases().find(account, orders.id())).contains(orders);

    // The same secret for another account is a collision.
    String database2 = PG.fresh();
    try (PostgresCatalog other =
        PostgresCatalog.open(PG.server().jdbcUrl(database2), Postgres.USER, Postgres.PASSWORD)) {
      AccountId elsewhere = other.accounts().create("elsewhere").id();
      other.tokens().ensure(elsewhere, secret, "same secret", Permission.EDIT);
      assertThatThrownBy(() -> CatalogImport.into(other, file))
          .isInstanceOf(CatalogImport.Refused.class)
          .hasMessageContaining("with another account_id");
    } finally {
      PG.server().dropDatabase(database2);
    }
  }

  @Test
  void anIdWithOtherContentIsRefused() {
    cluster.accounts().ensure(account, "someone else");
    assertThatThrownBy(() -> CatalogImport.into(cluster, file))
        .isInstanceOf(CatalogImport.Refused.class)
        .hasMessageContaining("account " + account.value())
        .hasMessageContaining("with another name");
    assertThat(cluster.databases().find(account, orders.id())).isEmpty();
  }

  @Test
  void aDatabaseMidCreateIsRefusedWithWhatToDo() {
    standalone.databases().reserve(record(account, "half-made"), 100);
    assertThatThrownBy(() -> CatalogImport.into(cluster, file))
        .isInstanceOf(CatalogImport.Refused.class)
        .hasMessageContaining("is 'creating'")
        .hasMessageContaining("start the standalone server");
    assertThat(cluster.accounts().find(account)).isEmpty();
  }

  @Test
  void aDatabaseTheClusterServedAndDeletedIsNotBroughtBack() throws Exception {
    CatalogImport.into(cluster, file);
    // The cluster served it (a lease row) and deleted it (its record gone).
    try (Connection c =
            DriverManager.getConnection(
                PG.server().jdbcUrl(database), Postgres.USER, Postgres.PASSWORD);
        Statement st = c.createStatement()) {
      st.execute(
          "INSERT INTO nodes(id, advertise_url, version, state, heartbeat_at)"
              + " VALUES ('n1', 'http://n1', 'test', 'live', now())");
      st.execute(
          "INSERT INTO database_leases(database_id, owner, epoch, expires_at)"
              + " VALUES ('"
              + orders.id()
              + "', 'n1', 1, now())");
    }
    cluster.databases().markDeleting(orders.id());
    cluster.databases().remove(orders.id());

    CatalogImport.Imported again = CatalogImport.into(cluster, file);
    assertThat(again.deletedSince()).containsExactly(orders.id().toString());
    assertThat(cluster.databases().find(account, orders.id())).isEmpty();
  }
}
