package dev.opend1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.D1Client.Reply;
import dev.opend1.testing.ServerProcess;
import dev.opend1.testing.ServerProcess.Output;
import dev.opend1.testing.TestServer;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code opend1 doctor} on real data directories, healthy and damaged in one way each. */
class DoctorTest {

  @TempDir Path dir;

  /** Database id by name, as the server made them. */
  private final Map<String, String> databases = new TreeMap<>();

  /** Two databases with a table, an index, rows and a few commits each; then the server stops. */
  @BeforeEach
  void makeData() throws Exception {
    try (TestServer server = TestServer.start(dir)) {
      D1Client client = server.client();
      for (String name : List.of("alpha", "beta")) {
        Reply r = client.post(TestServer.databases(), "{\"name\":\"" + name + "\"}");
        String id = r.result().get("uuid").asText();
        databases.put(name, id);
        String db = TestServer.databases() + "/" + id + "/query";
        for (String sql :
            List.of(
                "CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)",
                "CREATE INDEX t_b ON t(b)",
                "INSERT INTO t(b) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c"
                    + " WHERE x < 300) SELECT printf('row %d', x) FROM c",
                "INSERT INTO t(b) VALUES ('last')")) {
          Reply q = client.post(db, D1Client.JSON.createObjectNode().put("sql", sql).toString());
          assertThat(q.status()).as(q.body()).isEqualTo(200);
        }
      }
    }
  }

  private Output doctor(String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("doctor", "--data-dir", dir.toString()));
    args.addAll(List.of(extra));
    return Commands.run(args.toArray(String[]::new));
  }

  private Path dbDir(String name) {
    return dir.resolve("db").resolve(databases.get(name));
  }

  private Path segment(String name) throws IOException {
    try (Stream<Path> s = Files.list(dbDir(name).resolve("history"))) {
      List<Path> segs =
          s.filter(p -> p.getFileName().toString().startsWith("seg-")).sorted().toList();
      assertThat(segs).hasSize(1);
      return segs.get(0);
    }
  }

  /** The byte offsets where the records of a segment start. */
  private static List<Integer> recordStarts(byte[] seg) {
    List<Integer> starts = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(seg);
    for (int pos = 0; pos < seg.length; pos += 12 + b.getInt(pos + 8) + 4) {
      starts.add(pos);
    }
    return starts;
  }

  @Test
  void aHealthyDirectoryIsHealthy() throws Exception {
    Output out = doctor();
    assertThat(out.exitCode()).as(out.stdout() + out.stderr()).isZero();
    assertThat(out.lastLine()).startsWith("healthy: 2 database(s), 2 catalog record(s)");
    assertThat(out.stdout()).doesNotContain("problem:");
  }

  @Test
  void aDamagedPageIsReported() throws Exception {
    Path file = dbDir("alpha").resolve("db.sqlite");
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      assertThat(f.length()).isGreaterThan(3 * 4096);
      f.seek(2 * 4096);
      f.write(new byte[] {0x0d, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f});
    }
    Output out = doctor();
    assertThat(out.exitCode()).as(out.stdout() + out.stderr()).isEqualTo(1);
    assertThat(out.stdout())
        .contains("problem: database " + databases.get("alpha") + ": integrity_check: ");
    assertThat(out.stdout()).doesNotContain("database " + databases.get("beta"));
    assertThat(out.lastLine()).matches("\\d+ problem\\(s\\): 2 database\\(s\\).*");
  }

  @Test
  void aBrokenHashChainIsReported() throws Exception {
    Path seg = segment("alpha");
    byte[] bytes = Files.readAllBytes(seg);
    List<Integer> starts = recordStarts(bytes);
    assertThat(starts.size()).isGreaterThanOrEqualTo(4);
    // Record seq 1: change its commit time by one microsecond and give it a valid CRC again.
    int at = starts.get(1);
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int len = b.getInt(at + 8);
    b.putLong(at + 12 + 8, b.getLong(at + 12 + 8) + 1);
    CRC32C crc = new CRC32C();
    crc.update(bytes, at + 12, len);
    b.putInt(at + 12 + len, (int) crc.getValue());
    Files.write(seg, bytes);
    Output out = doctor();
    assertThat(out.exitCode()).isEqualTo(1);
    assertThat(out.stdout()).contains("history hash chain is broken at seq 1");
  }

  @Test
  void aMissingSegmentIsReported() throws Exception {
    // Split the one segment into three at record boundaries, then lose the middle one.
    Path seg = segment("alpha");
    byte[] bytes = Files.readAllBytes(seg);
    List<Integer> starts = recordStarts(bytes);
    Path history = seg.getParent();
    Files.write(seg, java.util.Arrays.copyOfRange(bytes, 0, starts.get(2)));
    Files.write(
        history.resolve("seg-%016x.log".formatted(4L)),
        java.util.Arrays.copyOfRange(bytes, starts.get(4), bytes.length));
    Output out = doctor();
    assertThat(out.exitCode()).isEqualTo(1);
    assertThat(out.stdout())
        .contains("history jumps from seq 1 to segment seg-0000000000000004.log");
  }

  @Test
  void aStrayDirectoryIsReported() throws Exception {
    Files.createDirectories(dir.resolve("db").resolve("stray"));
    Output out = doctor();
    assertThat(out.exitCode()).isEqualTo(1);
    assertThat(out.stdout()).contains("problem: directory db/stray has no catalog record");
  }

  @Test
  void aMissingCatalogIsReportedAndRebuilt() throws Exception {
    byte[] before = Files.readAllBytes(dir.resolve("catalog.sqlite"));
    for (String suffix : List.of("", "-wal", "-shm")) {
      Files.deleteIfExists(dir.resolve("catalog.sqlite" + suffix));
    }
    Output missing = doctor();
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.stdout()).contains("problem: catalog ").contains("is missing");

    // A damaged catalog is kept aside by the rebuild, not deleted.
    Files.write(dir.resolve("catalog.sqlite"), new byte[] {1, 2, 3});
    Output rebuilt = doctor("--rebuild-catalog");
    assertThat(rebuilt.exitCode()).as(rebuilt.stdout() + rebuilt.stderr()).isZero();
    assertThat(rebuilt.stdout())
        .contains("catalog rebuilt with 2 database(s) in 1 account(s)")
        .contains("API tokens cannot be recovered")
        .contains("opend1 token create");
    assertThat(rebuilt.lastLine()).startsWith("healthy: 2 database(s), 2 catalog record(s)");
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> aside =
          s.filter(p -> p.getFileName().toString().startsWith("catalog.sqlite.old-")).toList();
      assertThat(aside).hasSize(1);
      assertThat(Files.readAllBytes(aside.get(0))).containsExactly(1, 2, 3);
    }
    assertThat(before).isNotEmpty();

    try (TestServer server = TestServer.start(dir)) {
      Reply list = server.client().get(TestServer.databases());
      assertThat(list.status()).as(list.body()).isEqualTo(200);
      Map<String, String> listed = new TreeMap<>();
      list.result().forEach(d -> listed.put(d.get("name").asText(), d.get("uuid").asText()));
      assertThat(listed).isEqualTo(databases);
      Reply rows =
          server
              .client()
              .post(
                  TestServer.databases() + "/" + databases.get("beta") + "/query",
                  "{\"sql\":\"SELECT count(*) AS n FROM t\"}");
      assertThat(rows.result().get(0).get("results").get(0).get("n").asInt()).isEqualTo(301);
    }
  }

  @Test
  void aRunningServerIsRefused() throws Exception {
    try (ServerProcess server = ServerProcess.start(dir, List.of(), List.of(), Map.of())) {
      assertThat(server.isAlive()).isTrue();
      Output out = doctor();
      assertThat(out.exitCode()).isEqualTo(2);
      assertThat(out.stderr()).contains("is in use by a running opend1 server");
    }
  }
}
