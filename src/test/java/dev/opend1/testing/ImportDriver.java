package dev.opend1.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.UnaryOperator;

/** D1's import protocol as wrangler runs it: init, upload to the signed URL, ingest, poll. */
public final class ImportDriver {

  private ImportDriver() {}

  /** Imports {@code text} into the database at {@code db}; returns the final poll's result. */
  public static JsonNode run(D1Client client, String db, String text) throws Exception {
    return run(client, db, text, url -> url);
  }

  /** The same, sending the upload to {@code rewrite(upload_url)}. */
  public static JsonNode run(D1Client client, String db, String text, UnaryOperator<String> rewrite)
      throws Exception {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    String etag = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    JsonNode init =
        client.post(db + "/import", "{\"action\":\"init\",\"etag\":\"" + etag + "\"}").result();
    // With the client's own HTTP client: one that trusts a test's TLS certificate uploads too.
    HttpResponse<String> put =
        client
            .http()
            .send(
                HttpRequest.newBuilder(URI.create(rewrite.apply(init.get("upload_url").asText())))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    if (put.statusCode() != 200 || !put.headers().firstValue("ETag").orElse("").contains(etag)) {
      throw new AssertionError("upload failed: " + put.statusCode() + " " + put.body());
    }
    JsonNode s =
        client
            .post(
                db + "/import",
                "{\"action\":\"ingest\",\"etag\":\""
                    + etag
                    + "\",\"filename\":\""
                    + init.get("filename").asText()
                    + "\"}")
            .result();
    return pollToEnd(client, db, s);
  }

  /** Polls an import that answered {@code state} until it is no longer active. */
  public static JsonNode pollToEnd(D1Client client, String db, JsonNode state) {
    JsonNode s = state;
    while (s.get("status").asText().equals("active")) {
      s =
          client
              .post(
                  db + "/import",
                  "{\"action\":\"poll\",\"current_bookmark\":\""
                      + s.get("at_bookmark").asText()
                      + "\"}")
              .result();
    }
    return s;
  }
}
