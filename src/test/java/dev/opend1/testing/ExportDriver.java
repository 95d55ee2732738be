package dev.opend1.testing;

import com.fasterxml.jackson.databind.JsonNode;

/** D1's export protocol as wrangler runs it: start a polling export, poll until it is done. */
public final class ExportDriver {

  private ExportDriver() {}

  /**
   * Exports the database at {@code db} through {@code client}; returns the last poll's result
   * ({@code status}, and {@code result.signed_url} once complete).
   */
  public static JsonNode run(D1Client client, String db) {
    JsonNode r = client.post(db + "/export", "{\"output_format\":\"polling\"}").result();
    while (r.get("status").asText().equals("active")) {
      r =
          client
              .post(
                  db + "/export",
                  "{\"output_format\":\"polling\",\"current_bookmark\":\""
                      + r.get("at_bookmark").asText()
                      + "\"}")
              .result();
    }
    return r;
  }
}
