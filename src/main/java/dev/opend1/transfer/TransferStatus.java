package dev.opend1.transfer;

/** Where an export or import job stands, as D1's polling protocol reports it. */
public enum TransferStatus {
  /** An import waiting for its file to be uploaded. */
  PENDING("pending"),
  /** Running: poll again. */
  ACTIVE("active"),
  /** Finished: the export's file, or the import's figures, are ready. */
  COMPLETE("complete"),
  /** Failed; the job's error says why. */
  ERROR("error");

  private final String wireName;

  TransferStatus(String wireName) {
    this.wireName = wireName;
  }

  /** The protocol's word for it: {@code active}, {@code complete}, ... */
  public String wireName() {
    return wireName;
  }
}
