package dev.opend1.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Where and how the history is kept off the machine ({@code --object-store} and its companions).
 *
 * @param url {@code s3://BUCKET/PREFIX}
 * @param endpoint the S3 API's URL, for a store that is not AWS
 * @param region the region requests are signed for
 * @param sync true when a write is answered only once its history is in the store
 * @param lag async: how often history is shipped at least
 * @param maxLag async: the lag past which writes are refused
 */
public record ObjectStoreSettings(
    String url,
    Optional<String> endpoint,
    String region,
    boolean sync,
    Duration lag,
    Duration maxLag) {}
