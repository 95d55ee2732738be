package dev.opend1.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.DatabaseId;
import dev.opend1.core.Permission;
import dev.opend1.core.Region;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded catalog: the {@link CatalogContractTest} on a SQLite file, and its file format. */
class SqliteCatalogTest extends CatalogContractTest {

  @TempDir Path dir;

  @Override
  Catalog openEmpty() {
    return SqliteCatalog.open(dir.resolve("catalog.sqlite"));
  }

  @Override
  Catalog openSame() {
    return SqliteCatalog.open(dir.resolve("catalog.sqlite"));
  }

  @Test
  void tokenSecretsAreStoredOnlyAsTheirHash() throws Exception {
    IssuedToken t = catalog.tokens().create(account, "t", Permission.EDIT, Optional.empty());
    catalog.close();
    byte[] file = Files.readAllBytes(dir.resolve("catalog.sqlite"));
    byte[] wal =
        Files.exists(dir.resolve("catalog.sqlite-wal"))
            ? Files.readAllBytes(dir.resolve("catalog.sqlite-wal"))
            : new byte[0];
    String all =
        new String(file, StandardCharsets.ISO_8859_1)
            + new String(wal, StandardCharsets.ISO_8859_1);
    assertThat(all).doesNotContain(t.secret());
    String hashHex = HexFormat.of().formatHex(Secrets.hash(t.secret()));
    assertThat(HexFormat.of().formatHex(file) + HexFormat.of().formatHex(wal)).contains(hashHex);
    catalog = SqliteCatalog.open(dir.resolve("catalog.sqlite"));
    assertThat(catalog.tokens().findBearer(t.secret())).map(ApiToken::id).contains(t.token().id());
  }

  @Test
  void metadataRoundTrips() {
    DatabaseRecord r =
        new DatabaseRecord(
            DatabaseId.random(),
            account,
            "meta",
            Instant.parse("2026-01-02T03:04:05.678Z"),
            Optional.of(Region.WEUR),
            Optional.of("eu"),
            Region.WEUR,
            "auto");
    assertThat(DatabaseMetadata.fromJson(DatabaseMetadata.toJson(r))).isEqualTo(r);
    assertThat(List.of(new String(DatabaseMetadata.toJson(r), StandardCharsets.UTF_8)))
        .allSatisfy(s -> assertThat(s).contains("\"format\" : 1").contains(r.id().toString()));
  }
}
