package dev.opend1.service;

import dev.opend1.api.TransferService;
import dev.opend1.core.Bookmark;
import dev.opend1.core.DatabaseId;
import dev.opend1.history.TimeTravel;
import dev.opend1.transfer.DumpOptions;
import dev.opend1.transfer.ExportProgress;
import dev.opend1.transfer.ImportProgress;
import dev.opend1.transfer.Transfers;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The transfer routes' {@link TransferService}: {@link Transfers}, told the database's current
 * bookmark (from {@link TimeTravel}) whenever a job starts.
 */
final class TransferJobs implements TransferService {

  private final Transfers transfers;
  private final TimeTravel timeTravel;

  TransferJobs(Transfers transfers, TimeTravel timeTravel) {
    this.transfers = transfers;
    this.timeTravel = timeTravel;
  }

  /** The database's bookmark at the moment a job asks for it. */
  private Supplier<String> bookmarkOf(DatabaseId db) {
    return () -> timeTravel.bookmark(db, Optional.empty()).toString();
  }

  @Override
  public ExportProgress export(
      DatabaseId db, DumpOptions options, Optional<String> currentBookmark) {
    return transfers.export(db, options, currentBookmark, bookmarkOf(db));
  }

  @Override
  public ExportProgress exportAsOf(DatabaseId db, DumpOptions options, String atBookmark) {
    Bookmark at = timeTravel.pastBookmark(db, Optional.of(atBookmark), Optional.empty());
    return transfers.exportAsOf(db, options, at, () -> timeTravel.imageAt(db, at));
  }

  @Override
  public ImportProgress init(DatabaseId db, String etag) {
    return transfers.init(db, etag, bookmarkOf(db));
  }

  @Override
  public ImportProgress ingest(DatabaseId db, String etag, String filename) {
    return transfers.ingest(db, etag, filename, bookmarkOf(db));
  }

  @Override
  public Optional<ImportProgress> poll(DatabaseId db, String currentBookmark) {
    return transfers.poll(db, currentBookmark);
  }

  @Override
  public String signedQuery(String method, String name) {
    return transfers.signedQuery(method, name);
  }

  @Override
  public String receive(
      String name, String expires, String signature, long length, InputStream body)
      throws IOException {
    return transfers.receive(name, expires, signature, length, body);
  }

  @Override
  public boolean download(String name, String expires, String signature, Body out)
      throws IOException {
    return transfers.download(name, expires, signature, out::open);
  }
}
