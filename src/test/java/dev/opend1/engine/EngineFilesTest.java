package dev.opend1.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.DatabaseId;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineFilesTest {

  @TempDir Path dir;
  Engine engine;
  DatabaseId id = DatabaseId.random();

  @BeforeEach
  void start() {
    engine = new Engine(dir);
    engine.recover();
  }

  @AfterEach
  void stop() {
    engine.close();
  }

  @Test
  void aNewDatabaseIsAnEmptyWalFileWithItsMetadata() throws Exception {
    engine.createDatabase(id, "{\"m\":1}".getBytes(StandardCharsets.UTF_8));
    Path db = dir.resolve("db").resolve(id.toString());
    assertThat(Files.readString(db.resolve("meta.json"))).isEqualTo("{\"m\":1}");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.resolve("db.sqlite"));
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
      assertThat(rs.getString(1)).isEqualTo("wal");
    }
    DatabaseStats stats = engine.stats(id);
    assertThat(stats.numTables()).isZero();
    assertThat(stats.fileSize()).isPositive().matches(s -> s % 4096 == 0);
  }

  @Test
  void deletingRemovesEverything() throws Exception {
    engine.createDatabase(id, new byte[0]);
    engine.stats(id);
    engine.deleteDatabase(id);
    assertThat(dir.resolve("db").resolve(id.toString())).doesNotExist();
    assertThat(dir.resolve("trash").resolve(id.toString())).doesNotExist();
    engine.recover();
    assertThat(engine.exists(id)).isFalse();
  }
}
