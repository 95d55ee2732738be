package dev.opend1.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.D1Exception;
import dev.opend1.history.EngineWithHistory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transfer directory's bytes are a running count, not a listing per upload: it matches a fresh
 * listing after every kind of write and removal, holds the cap with D1's words, reserves an
 * upload's declared length, and is counted again from the files a restart finds.
 */
class TransferSpaceTest {

  /** Nothing expires on its own during a test: each one reaps with a clock of its choosing. */
  static final TransferTiming MANUAL =
      new TransferTiming(
          Duration.ofHours(1),
          Duration.ofHours(1),
          Duration.ofHours(2),
          Duration.ofMinutes(10),
          Duration.ofDays(1));

  static final long MAX_IMPORT = 50_000;
  static final long CAP = 1_000_000;

  @TempDir Path dir;
  EngineWithHistory db;
  Transfers transfers;

  /** A disk that fills up after 1 KiB of an export while set. */
  final FullDisk disk = new FullDisk(1024);

  @BeforeEach
  void start() throws Exception {
    db = EngineWithHistory.start(dir);
    transfers = open(CAP);
  }

  @AfterEach
  void stop() {
    transfers.close();
    db.close();
  }

  private Transfers open(long cap) throws IOException {
    return new Transfers(db.engine, dir, MAX_IMPORT, cap, Duration.ofHours(1), MANUAL, disk);
  }

  /** What a fresh listing of the transfer directory finds: the old per-upload check, as oracle. */
  private long listing() throws IOException {
    Path t = dir.resolve("transfer");
    return new TransferDirectory(t.resolve("exports"), t.resolve("uploads")).usedBytes();
  }

  private static String md5(byte[] body) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
  }

  private String name(byte[] body) throws Exception {
    return Uploads.filename(db.id, md5(body));
  }

  /** PUTs {@code body} as an upload named for {@code etagOf}, declaring {@code declared} bytes. */
  private String put(byte[] etagOf, long declared, InputStream body) throws Exception {
    return SignedUrls.put(transfers, name(etagOf), declared, body);
  }

  private String put(byte[] body) throws Exception {
    return put(body, body.length, new ByteArrayInputStream(body));
  }

  private static byte[] sql(int i, int bytes) {
    String head = "SELECT " + i + "; -- ";
    return (head + "x".repeat(Math.max(0, bytes - head.length()))).getBytes(StandardCharsets.UTF_8);
  }

  private ExportProgress exportToEnd() {
    ExportProgress p =
        transfers.export(db.id, DumpOptions.ALL, Optional.empty(), () -> db.bookmark().toString());
    while (p.status() == TransferStatus.ACTIVE) {
      p =
          transfers.export(
              db.id, DumpOptions.ALL, Optional.of(p.atBookmark()), () -> db.bookmark().toString());
    }
    return p;
  }

  @Test
  void theCountMatchesAListingAfterUploadsExportsFailuresAndExpiries() throws Exception {
    db.run("CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT)");
    db.run(
        "INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x <"
            + " 300) SELECT x, hex(randomblob(20)) FROM c");
    assertThat(transfers.storedBytes()).isZero();

    // Uploads from 8 threads at once: complete, a wrong MD5, too large, and one file 20 times over
    // (some of unknown length), which replaces itself.
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> puts = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      int n = i;
      puts.add(
          pool.submit(
              () -> {
                byte[] body = sql(n % 60, 1_000 + n * 37);
                switch (n % 4) {
                  case 0 -> put(body);
                  case 1 -> put(sql(-n, 10), body.length, new ByteArrayInputStream(body));
                  case 2 ->
                      put(
                          sql(n, (int) MAX_IMPORT + 1),
                          -1,
                          new ByteArrayInputStream(sql(n, (int) MAX_IMPORT + 1)));
                  default -> {
                    byte[] same = sql(7, 2_000);
                    put(same, n % 8 == 3 ? -1 : same.length, new ByteArrayInputStream(same));
                  }
                }
                return null;
              }));
    }
    int failed = 0;
    for (Future<?> f : puts) {
      try {
        f.get();
      } catch (ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(D1Exception.class);
        failed++;
      }
    }
    pool.shutdown();
    assertThat(failed).isEqualTo(40);
    assertThat(transfers.storedBytes()).isPositive().isEqualTo(listing());

    // Exports: complete ones, and ones whose disk fills up half way.
    for (int i = 0; i < 3; i++) {
      db.run("INSERT INTO t(b) VALUES ('more')");
      assertThat(exportToEnd().status()).isEqualTo(TransferStatus.COMPLETE);
    }
    disk.full.set(true);
    db.run("INSERT INTO t(b) VALUES ('more')");
    assertThat(exportToEnd().status()).isEqualTo(TransferStatus.ERROR);
    disk.full.set(false);
    assertThat(transfers.storedBytes()).isEqualTo(listing());

    // An ingest removes its upload.
    byte[] good = "CREATE TABLE u(a); INSERT INTO u VALUES (1);".getBytes(StandardCharsets.UTF_8);
    put(good);
    ImportProgress p =
        transfers.ingest(db.id, md5(good), name(good), () -> db.bookmark().toString());
    while (p.status() == TransferStatus.ACTIVE) {
      Thread.sleep(10);
      p = transfers.poll(db.id, p.atBookmark()).orElseThrow();
    }
    assertThat(p.status()).isEqualTo(TransferStatus.COMPLETE);
    assertThat(Files.exists(dir.resolve("transfer/uploads").resolve(name(good)))).isFalse();
    assertThat(transfers.storedBytes()).isEqualTo(listing());

    // Exports expire after an hour, uploads after two (this test's timing).
    transfers.reap(Instant.now().plus(Duration.ofMinutes(90)));
    assertThat(transfers.storedBytes()).isPositive().isEqualTo(listing());
    transfers.reap(Instant.now().plus(Duration.ofHours(3)));
    assertThat(listing()).isZero();
    assertThat(transfers.storedBytes()).isZero();
  }

  @Test
  void theCapRefusesWithD1sWordsAndTakesAnUploadThatFitsExactly() throws Exception {
    transfers.close();
    transfers = open(10_000);
    put(sql(1, 4_000));
    byte[] tooBig = sql(2, 6_001);
    assertThatThrownBy(() -> put(tooBig))
        .isInstanceOfSatisfying(
            D1Exception.InvalidRequest.class, e -> assertThat(e.code()).isEqualTo(7400))
        .hasMessage(
            "Transfer storage is full (10000 bytes); try again once earlier transfers expire");
    assertThat(transfers.storedBytes()).isEqualTo(4_000).isEqualTo(listing());

    put(sql(3, 6_000));
    assertThat(transfers.storedBytes()).isEqualTo(10_000).isEqualTo(listing());
  }

  /** Fills the table with {@code rows} rows of about 60 bytes of dump each. */
  private void rows(int rows) {
    db.run("CREATE TABLE IF NOT EXISTS t(a INTEGER PRIMARY KEY, b TEXT)");
    db.run(
        "INSERT INTO t(b) WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x <"
            + rows
            + ") SELECT hex(randomblob(20)) FROM c");
  }

  private Path exported(String name) {
    return dir.resolve("transfer").resolve("exports").resolve(name);
  }

  @Test
  void anExportDownloadedWholeMakesRoomForAnUploadAtTheCap() throws Exception {
    transfers.close();
    transfers = open(10_000);
    rows(60);
    String name = exportToEnd().filename();
    long size = Files.size(exported(name));
    assertThat(size).isBetween(3_000L, 6_000L);

    // Not downloaded yet: the upload that needs its room is refused, and the export stays.
    byte[] upload = sql(1, (int) (10_000 - size + 1));
    assertThatThrownBy(() -> put(upload))
        .hasMessage(
            "Transfer storage is full (10000 bytes); try again once earlier transfers expire");
    assertThat(exported(name)).exists();

    // A download that fails half way leaves it in place too.
    OutputStream broken =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("Broken pipe");
          }
        };
    assertThatThrownBy(() -> SignedUrls.get(transfers, name, broken))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> put(upload)).isInstanceOf(D1Exception.InvalidRequest.class);

    // Downloaded whole, it goes to make room.
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    assertThat(SignedUrls.get(transfers, name, got)).isTrue();
    assertThat((long) got.size()).isEqualTo(size);
    put(upload);
    assertThat(exported(name)).doesNotExist();
    assertThat(transfers.storedBytes()).isEqualTo(upload.length).isEqualTo(listing());
    assertThat(SignedUrls.get(transfers, name, new ByteArrayOutputStream())).isFalse();

    // Asked for again, the same state is dumped again rather than answered from the file.
    ExportProgress again = exportToEnd();
    assertThat(again.status()).isEqualTo(TransferStatus.COMPLETE);
    assertThat(again.filename()).isNotEqualTo(name);
    assertThat(transfers.storedBytes()).isEqualTo(listing());
  }

  @Test
  void anExportThatGrowsPastTheCapTakesBackDownloadedOnesOldestFirst() throws Exception {
    transfers.close();
    transfers = open(10_000);
    rows(30);
    String first = exportToEnd().filename();
    rows(1);
    String second = exportToEnd().filename();
    assertThat(SignedUrls.get(transfers, first, new ByteArrayOutputStream())).isTrue();
    assertThat(SignedUrls.get(transfers, second, new ByteArrayOutputStream())).isTrue();
    long both = transfers.storedBytes();
    assertThat(both).isBetween(4_000L, 6_000L);

    // A third, larger export passes the cap by less than the first one's size while it is
    // written: the first download goes, which is room enough; the second stays.
    rows(40);
    String third = exportToEnd().filename();
    long over = both + Files.size(exported(third)) - 10_000;
    assertThat(over).isPositive().isLessThan(both / 2);
    assertThat(exported(first)).doesNotExist();
    assertThat(exported(second)).exists();
    assertThat(exported(third)).exists();
    assertThat(transfers.storedBytes()).isEqualTo(listing()).isLessThanOrEqualTo(10_000);
  }

  @Test
  void anUploadInProgressHoldsItsDeclaredLength() throws Exception {
    transfers.close();
    transfers = open(10_000);
    byte[] first = sql(1, 6_000);
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // The first upload's body: 100 bytes, then nothing until the second one was tried.
    InputStream slow =
        new InputStream() {
          final InputStream in = new ByteArrayInputStream(first);

          @Override
          public int read() throws IOException {
            throw new UnsupportedOperationException();
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (in.available() < first.length) {
              reading.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                throw new IOException(e);
              }
            }
            return in.read(b, off, Math.min(len, 100));
          }
        };
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Future<String> firstPut = pool.submit(() -> put(first, first.length, slow));
    reading.await();
    assertThatThrownBy(() -> put(sql(2, 6_000)))
        .isInstanceOf(D1Exception.InvalidRequest.class)
        .hasMessageStartingWith("Transfer storage is full");
    release.countDown();
    assertThat(firstPut.get()).isEqualTo(md5(first));
    pool.shutdown();
    assertThat(transfers.storedBytes()).isEqualTo(6_000).isEqualTo(listing());
  }

  @Test
  void aRestartCountsTheUploadsLeftAndRemovesPartialOnes() throws Exception {
    put(sql(1, 3_000));
    put(sql(2, 2_000));
    db.run("CREATE TABLE t(a)");
    assertThat(exportToEnd().status()).isEqualTo(TransferStatus.COMPLETE);
    Path uploads = dir.resolve("transfer").resolve("uploads");
    Files.write(uploads.resolve(name(sql(3, 10)) + ".123.part"), new byte[700]);
    transfers.close();

    transfers = open(CAP);
    assertThat(transfers.storedBytes()).isEqualTo(5_000).isEqualTo(listing());
    try (var files = Files.list(uploads)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(f -> f.endsWith(".part"));
    }
  }

  /**
   * The check reads the count, not the directory: a file put there behind the server's back is not
   * seen until the next start lists the directory. (The listing per upload, which saw it, cost a
   * Path and a stat for every transfer of the last hour.)
   */
  @Test
  void anUploadsCheckDoesNotListTheDirectory() throws Exception {
    transfers.close();
    transfers = open(10_000);
    Path uploads = dir.resolve("transfer").resolve("uploads");
    Files.write(uploads.resolve(name(sql(1, 10))), new byte[9_000]);
    put(sql(2, 5_000));
    assertThat(transfers.storedBytes()).isEqualTo(5_000);

    transfers.close();
    transfers = open(10_000);
    assertThat(transfers.storedBytes()).isEqualTo(14_000).isEqualTo(listing());
    assertThatThrownBy(() -> put(sql(3, 10))).hasMessageStartingWith("Transfer storage is full");
  }

  @Test
  void removingAFileThatWasNeverCountedLeavesTheCountAtZero() throws Exception {
    Path uploads = dir.resolve("transfer").resolve("uploads");
    Files.write(uploads.resolve(name(sql(1, 10))), new byte[9_000]);
    assertThat(transfers.storedBytes()).isZero();
    transfers.reap(Instant.now().plus(Duration.ofHours(3)));
    assertThat(listing()).isZero();
    assertThat(transfers.storedBytes()).isZero();
  }
}
