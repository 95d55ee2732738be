package dev.opend1.service;

import dev.opend1.api.TransferService;
import dev.opend1.core.DatabaseId;
import dev.opend1.history.TimeTravel;
import dev.opend1.transfer.DumpOptions;
import dev.opend1.transfer.Transfers;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The transfer routes' {@link TransferService}: {@link Transfers}, told the database's current
 * bookmark (from {@link TimeTravel}) whenever a job starts. It only translates, so it is the one
 * place to change when the transfer package changes shape.
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
  public ExportState export(DatabaseId db, DumpOptions options, Optional<String> currentBookmark) {
    Transfers.Progress p = transfers.export(db, options, currentBookmark, bookmarkOf(db));
    return new ExportState(p.status(), p.atBookmark(), p.messages(), p.error(), p.filename());
  }

  @Override
  public ImportState init(DatabaseId db, String etag) {
    return state(transfers.init(db, etag, bookmarkOf(db)));
  }

  @Override
  public ImportState ingest(DatabaseId db, String etag, String filename) {
    return state(transfers.ingest(db, etag, filename, bookmarkOf(db)));
  }

  @Override
  public Optional<ImportState> poll(DatabaseId db, String currentBookmark) {
    return transfers.poll(db, currentBookmark).map(TransferJobs::state);
  }

  private static ImportState state(Transfers.ImportState s) {
    return new ImportState(
        s.status(),
        s.atBookmark(),
        s.messages(),
        s.error(),
        s.filename(),
        s.needsUpload(),
        s.numQueries(),
        s.finalBookmark(),
        s.durationMs(),
        s.changes(),
        s.sizeAfter());
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
