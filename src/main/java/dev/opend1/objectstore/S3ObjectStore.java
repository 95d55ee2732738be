package dev.opend1.objectstore;

import dev.opend1.history.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Object storage over the S3 API (AWS S3, Cloudflare R2, MinIO, Ceph, Backblaze B2...) with the AWS
 * SDK: path-style addressing, an optional endpoint, credentials from the SDK's standard chain
 * ({@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, a profile, an instance role), never
 * logged. Objects are written with {@code If-None-Match: *}, so an existing one is never replaced;
 * a refusal is read back, since the object may be this upload's own (a retry after a lost reply).
 *
 * <p>Every call gives up after a bounded time ({@code CALL_TIMEOUT}), so a store that hangs fails
 * the writes that wait for it instead of holding them.
 */
public final class S3ObjectStore implements ObjectStore, AutoCloseable {

  /** The longest one call (its retries included) may take. */
  static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

  private final S3Client s3;
  private final ObjectStoreTarget target;

  private S3ObjectStore(S3Client s3, ObjectStoreTarget target) {
    this.s3 = s3;
    this.target = target;
  }

  /** A client for {@code target}; nothing is contacted yet. */
  public static S3ObjectStore open(ObjectStoreTarget target) {
    var builder =
        S3Client.builder()
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(3))
                    .socketTimeout(Duration.ofSeconds(8)))
            .credentialsProvider(DefaultCredentialsProvider.builder().build())
            .region(Region.of(target.region()))
            .forcePathStyle(true)
            // Checksums only where the API requires them: stores other than AWS (MinIO, Ceph,
            // older R2, s3proxy) do not all take the SDK's newer trailing checksums.
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .overrideConfiguration(
                c -> c.apiCallTimeout(CALL_TIMEOUT).apiCallAttemptTimeout(Duration.ofSeconds(8)));
    target.endpoint().ifPresent(e -> builder.endpointOverride(URI.create(e)));
    return new S3ObjectStore(builder.build(), target);
  }

  private String key(String name) {
    return target.prefix().isEmpty() ? name : target.prefix() + "/" + name;
  }

  @Override
  public boolean putIfAbsent(String name, byte[] content) throws IOException {
    return put(name, RequestBody.fromBytes(content))
        || holds(name, () -> new ByteArrayInputStream(content));
  }

  @Override
  public boolean putIfAbsent(String name, Path file) throws IOException {
    return put(name, RequestBody.fromFile(file)) || holds(name, () -> Files.newInputStream(file));
  }

  /** Writes with {@code If-None-Match: *}; false when the store answers 412 (the name exists). */
  private boolean put(String name, RequestBody body) throws IOException {
    try {
      s3.putObject(
          PutObjectRequest.builder()
              .bucket(target.bucket())
              .key(key(name))
              .ifNoneMatch("*")
              .build(),
          body);
      return true;
    } catch (S3Exception e) {
      if (e.statusCode() == 412) {
        return false;
      }
      throw failed("store " + name, e);
    } catch (SdkException e) {
      throw failed("store " + name, e);
    }
  }

  /** Opens the content we tried to store, once more. */
  @FunctionalInterface
  private interface Content {
    InputStream open() throws IOException;
  }

  /**
   * True when the object {@code name} holds exactly {@code ours}. A 412 is also what the SDK's
   * retry of an upload gets when the first attempt was stored but its reply was lost (a timeout, a
   * reset connection): that object is ours, and only one with other bytes is another writer's.
   */
  private boolean holds(String name, Content ours) throws IOException {
    try (InputStream there =
            s3.getObject(
                GetObjectRequest.builder().bucket(target.bucket()).key(key(name)).build());
        InputStream mine = ours.open()) {
      return sameBytes(there, mine);
    } catch (NoSuchKeyException e) {
      return false; // refused, then removed: not ours either way
    } catch (SdkException e) {
      throw failed("read " + name + " back", e);
    }
  }

  /** Whether two streams hold the same bytes, read in blocks. */
  static boolean sameBytes(InputStream a, InputStream b) throws IOException {
    byte[] x = new byte[64 * 1024];
    byte[] y = new byte[64 * 1024];
    while (true) {
      int n = a.readNBytes(x, 0, x.length);
      int m = b.readNBytes(y, 0, y.length);
      if (n != m || !Arrays.equals(x, 0, n, y, 0, m)) {
        return false;
      }
      if (n < x.length) {
        return true;
      }
    }
  }

  @Override
  public Optional<byte[]> get(String name) throws IOException {
    try {
      return Optional.of(
          s3.getObjectAsBytes(
                  GetObjectRequest.builder().bucket(target.bucket()).key(key(name)).build())
              .asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw failed("read " + name, e);
    }
  }

  @Override
  public long download(String name, Path file) throws IOException {
    try (InputStream in =
        s3.getObject(GetObjectRequest.builder().bucket(target.bucket()).key(key(name)).build())) {
      return Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    } catch (SdkException e) {
      throw failed("read " + name, e);
    }
  }

  @Override
  public List<Listed> list(String prefix) throws IOException {
    List<Listed> out = new ArrayList<>();
    int strip = target.prefix().isEmpty() ? 0 : target.prefix().length() + 1;
    try {
      String token = null;
      do {
        ListObjectsV2Response page =
            s3.listObjectsV2(
                ListObjectsV2Request.builder()
                    .bucket(target.bucket())
                    .prefix(key(prefix))
                    .continuationToken(token)
                    .build());
        for (S3Object o : page.contents()) {
          out.add(new Listed(o.key().substring(strip), o.size()));
        }
        token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
      } while (token != null);
    } catch (SdkException e) {
      throw failed("list " + prefix, e);
    }
    out.sort(java.util.Comparator.comparing(Listed::name));
    return out;
  }

  @Override
  public void delete(String name) throws IOException {
    try {
      s3.deleteObject(b -> b.bucket(target.bucket()).key(key(name)));
    } catch (SdkException e) {
      throw failed("delete " + name, e);
    }
  }

  @Override
  public String describe() {
    return target.toString();
  }

  /** An SDK failure as an I/O error that says what and where (the SDK's text holds no secret). */
  private IOException failed(String what, SdkException e) {
    String why = e instanceof S3Exception s ? s.statusCode() + " " + oneLine(s) : oneLine(e);
    return new IOException("object store " + target + ": " + what + ": " + why, e);
  }

  private static String oneLine(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return m.replaceAll("\\s*\\R\\s*", " ");
  }

  @Override
  public void close() {
    s3.close();
  }
}
