package dev.opend1.objectstore;

import java.util.Optional;

/**
 * Where object storage is: a bucket, a prefix inside it ({@code s3://bucket/prefix}), and for any
 * store that is not AWS an endpoint URL. Carries no credentials: those come from the SDK's chain.
 *
 * @param bucket the bucket
 * @param prefix the folder inside the bucket, without slashes at its ends; empty for the root
 * @param endpoint the S3 API's base URL, when not AWS
 * @param region the region requests are signed for
 */
public record ObjectStoreTarget(
    String bucket, String prefix, Optional<String> endpoint, String region) {

  /**
   * Parses {@code s3://bucket/prefix}.
   *
   * @throws IllegalArgumentException when it is not such a URL
   */
  public static ObjectStoreTarget parse(String url, Optional<String> endpoint, String region) {
    if (!url.startsWith("s3://") || url.length() == 5) {
      throw new IllegalArgumentException("must be s3://BUCKET or s3://BUCKET/PREFIX");
    }
    String rest = url.substring(5);
    int slash = rest.indexOf('/');
    String bucket = slash < 0 ? rest : rest.substring(0, slash);
    String prefix = slash < 0 ? "" : rest.substring(slash + 1).replaceAll("^/+|/+$", "");
    if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      throw new IllegalArgumentException("'" + bucket + "' is not an S3 bucket name");
    }
    return new ObjectStoreTarget(bucket, prefix, endpoint, region);
  }

  @Override
  public String toString() {
    return "s3://"
        + bucket
        + (prefix.isEmpty() ? "" : "/" + prefix)
        + endpoint.map(e -> " at " + e).orElse("");
  }
}
