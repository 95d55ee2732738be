package dev.opend1.transfer;

import java.util.List;

/**
 * An export job's state as the protocol reports it.
 *
 * @param atBookmark the bookmark of the snapshot it dumps; null until the snapshot is taken
 * @param messages what happened since the last poll
 * @param error why it failed ({@link TransferStatus#ERROR})
 * @param filename its file ({@link TransferStatus#COMPLETE})
 */
public record ExportProgress(
    TransferStatus status,
    String atBookmark,
    List<String> messages,
    String error,
    String filename) {}
