package dev.opend1.api.fakes;

import dev.opend1.api.TransferService;
import dev.opend1.core.DatabaseId;
import dev.opend1.transfer.DumpOptions;
import dev.opend1.transfer.ExportProgress;
import dev.opend1.transfer.ImportProgress;
import dev.opend1.transfer.ImportResult;
import dev.opend1.transfer.TransferStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * {@link TransferService} whose every export is complete at once (its file a one-line dump) and
 * whose imports wait for an upload; any signature is good.
 */
public final class FakeTransfers implements TransferService {

  /** The file every export writes. */
  public static final String DUMP = "CREATE TABLE t(x);\n";

  @Override
  public ExportProgress export(
      DatabaseId db, DumpOptions options, Optional<String> currentBookmark) {
    return new ExportProgress(
        TransferStatus.COMPLETE, "bookmark", List.of("Exported"), null, db + "-export.sql");
  }

  /** Answers a finished export named by the bookmark it was asked for. */
  @Override
  public ExportProgress exportAsOf(DatabaseId db, DumpOptions options, String atBookmark) {
    return new ExportProgress(
        TransferStatus.COMPLETE, atBookmark, List.of("Exported"), null, db + "-export.sql");
  }

  @Override
  public ImportProgress init(DatabaseId db, String etag) {
    return new ImportProgress(
        TransferStatus.PENDING, null, List.of(), null, db + "-" + etag + ".sql", true, null);
  }

  @Override
  public ImportProgress ingest(DatabaseId db, String etag, String filename) {
    return new ImportProgress(
        TransferStatus.COMPLETE,
        "before",
        List.of("Imported"),
        null,
        filename,
        false,
        new ImportResult(1, "after", 1, 1, 4096));
  }

  @Override
  public Optional<ImportProgress> poll(DatabaseId db, String currentBookmark) {
    return Optional.empty();
  }

  @Override
  public String signedQuery(String method, String name) {
    return "expires=1&signature=" + method.toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public String receive(
      String name, String expires, String signature, long length, InputStream body)
      throws IOException {
    body.transferTo(OutputStream.nullOutputStream());
    return "0".repeat(32);
  }

  @Override
  public boolean download(String name, String expires, String signature, Body out)
      throws IOException {
    byte[] dump = DUMP.getBytes(StandardCharsets.UTF_8);
    try (OutputStream o = out.open(dump.length)) {
      o.write(dump);
    }
    return true;
  }
}
