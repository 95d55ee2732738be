package dev.opend1.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The data directory's names are its on-disk format: a server must find what an older one of the
 * same format wrote, so every name is pinned here.
 */
class DataLayoutTest {

  private static final Path ROOT = Path.of("/data");
  private static final DatabaseId ID =
      new DatabaseId(UUID.fromString("0b2f8a1c-1111-4222-8333-444455556666"));
  private final DataLayout layout = new DataLayout(ROOT);

  @Test
  void theDirectoryItselfHoldsItsStampLockCatalogAndTransferKey() {
    assertThat(layout.formatFile()).isEqualTo(Path.of("/data/FORMAT"));
    assertThat(layout.lockFile()).isEqualTo(Path.of("/data/serve.lock"));
    assertThat(layout.catalogFile()).isEqualTo(Path.of("/data/catalog.sqlite"));
    assertThat(layout.nodeIdFile()).isEqualTo(Path.of("/data/node-id"));
    assertThat(layout.analyticsFile()).isEqualTo(Path.of("/data/analytics.sqlite"));
    assertThat(layout.oldCatalogFile("2026-01-02T030405Z"))
        .isEqualTo(Path.of("/data/catalog.sqlite.old-2026-01-02T030405Z"));
    assertThat(layout.transferKeyFile()).isEqualTo(Path.of("/data/transfer.key"));
  }

  @Test
  void eachDatabaseHasItsOwnDirectoryUnderDb() {
    String dir = "/data/db/0b2f8a1c-1111-4222-8333-444455556666";
    assertThat(layout.databasesDir()).isEqualTo(Path.of("/data/db"));
    assertThat(layout.database(ID).path()).isEqualTo(Path.of(dir));
    assertThat(layout.database(ID.toString())).isEqualTo(layout.database(ID));
    assertThat(layout.database(ID).sqliteFile()).isEqualTo(Path.of(dir, "db.sqlite"));
    assertThat(layout.database(ID).metadataFile()).isEqualTo(Path.of(dir, "meta.json"));
    assertThat(layout.database(ID).historyDir()).isEqualTo(Path.of(dir, "history"));
    assertThat(layout.database(ID).uncheckedMark()).isEqualTo(Path.of(dir, "unchecked"));
  }

  @Test
  void scratchFoldersSitBesideTheDatabases() {
    assertThat(layout.trashDir()).isEqualTo(Path.of("/data/trash"));
    assertThat(layout.trashed(ID))
        .isEqualTo(Path.of("/data/trash/0b2f8a1c-1111-4222-8333-444455556666"));
    assertThat(layout.tmpDir()).isEqualTo(Path.of("/data/tmp"));
    assertThat(layout.pastStatesDir()).isEqualTo(Path.of("/data/past"));
    assertThat(layout.replicasDir()).isEqualTo(Path.of("/data/replicas"));
    assertThat(layout.exportsDir()).isEqualTo(Path.of("/data/transfer/exports"));
    assertThat(layout.uploadsDir()).isEqualTo(Path.of("/data/transfer/uploads"));
  }

  @Test
  void sqliteKeepsItsWalAndSharedMemoryBesideTheFile() {
    Path file = layout.database(ID).sqliteFile();
    assertThat(DataLayout.wal(file)).isEqualTo(file.resolveSibling("db.sqlite-wal"));
    assertThat(DataLayout.shm(file)).isEqualTo(file.resolveSibling("db.sqlite-shm"));
    assertThat(DataLayout.withCompanions(layout.catalogFile()))
        .containsExactly(
            Path.of("/data/catalog.sqlite"),
            Path.of("/data/catalog.sqlite-wal"),
            Path.of("/data/catalog.sqlite-shm"));
  }
}
