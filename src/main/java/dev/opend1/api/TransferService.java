package dev.opend1.api;

import dev.opend1.core.DatabaseId;
import dev.opend1.transfer.DumpOptions;
import dev.opend1.transfer.ExportProgress;
import dev.opend1.transfer.ImportProgress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * What the transfer routes need: D1's polling export and import, and the files behind the signed
 * URLs they hand out. The states are the transfer package's records ({@link ExportProgress}, {@link
 * ImportProgress}, with their {@code TransferStatus}): data the routes render, no behaviour.
 */
public interface TransferService {

  /** Opens the response body once its length is known. */
  @FunctionalInterface
  interface Body {
    OutputStream open(long length) throws IOException;
  }

  /**
   * Starts an export, joins a running one with the same options, or (with {@code currentBookmark})
   * polls the one at that bookmark; holds the answer up to a second while the job runs.
   */
  ExportProgress export(DatabaseId db, DumpOptions options, Optional<String> currentBookmark);

  /**
   * Starts, joins or answers an export of the database's state at a past bookmark ({@code
   * at_bookmark}, an opend1 extension); the bookmark gets the errors a restore to it would.
   */
  ExportProgress exportAsOf(DatabaseId db, DumpOptions options, String atBookmark);

  /**
   * {@code action: init}: where to upload the file with this MD5 ({@code etag}), or its ingest
   * started at once when it is uploaded already.
   */
  ImportProgress init(DatabaseId db, String etag);

  /** {@code action: ingest}: runs an uploaded file as one transaction. */
  ImportProgress ingest(DatabaseId db, String etag, String filename);

  /**
   * {@code action: poll}: the import at that bookmark, or the database's latest; empty when there
   * is none.
   */
  Optional<ImportProgress> poll(DatabaseId db, String currentBookmark);

  /** The query that signs a URL for a file: {@code expires=..&signature=..}. */
  String signedQuery(String method, String name);

  /**
   * Stores an upload sent to its signed URL after checking its MD5 against the etag in its name;
   * returns that MD5 in hex.
   */
  String receive(String name, String expires, String signature, long length, InputStream body)
      throws IOException;

  /** Streams an export's file when the signature is good; false when it is not (403). */
  boolean download(String name, String expires, String signature, Body out) throws IOException;
}
