package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.opend1.core.D1Exception;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The exact bytes of D1's envelope, as every path writes it through {@link Envelope}. */
class EnvelopeTest {

  @Test
  void aClientErrorCarriesItsMessageAsItIs() {
    assertThat(text(Envelope.failure(new D1Exception.DatabaseNotFound(), "abc")))
        .isEqualTo(
            "{\"result\":null,\"success\":false,"
                + "\"errors\":[{\"code\":7404,\"message\":\"Not Found\"}],\"messages\":[]}");
  }

  @Test
  void aServerErrorEndsWithTheRequestIdAsItsReference() {
    assertThat(text(Envelope.failure(new D1Exception.ShuttingDown(), "abc")))
        .isEqualTo(
            "{\"result\":null,\"success\":false,\"errors\":[{\"code\":7500,"
                + "\"message\":\"the server is shutting down; retry the request; reference = abc\"}"
                + "],\"messages\":[]}");
    assertThat(text(Envelope.failure(new D1Exception.ShuttingDown(), null)))
        .contains("\"message\":\"the server is shutting down; retry the request\"}");
  }

  /** What {@link ProtocolErrors} wrote by hand before it used the one writer. */
  @Test
  void aProtocolErrorIsTheSameEnvelope() {
    assertThat(text(Envelope.failure(400, 7400, "Bad Request", "r1")))
        .isEqualTo(
            "{\"result\":null,\"success\":false,\"errors\":[{\"code\":7400,"
                + "\"message\":\"Bad Request\"}],\"messages\":[]}");
    assertThat(text(Envelope.failure(500, 7500, "Server Error", "r1")))
        .isEqualTo(
            "{\"result\":null,\"success\":false,\"errors\":[{\"code\":7500,"
                + "\"message\":\"Server Error; reference = r1\"}],\"messages\":[]}");
  }

  @Test
  void aStreamedSuccessIsOpenedAndClosedAroundItsResult() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator gen = Json.MAPPER.getFactory().createGenerator(out)) {
      Envelope.startSuccess(gen);
      gen.writeStartArray();
      gen.writeNumber(1);
      gen.writeEndArray();
      Envelope.endSuccess(gen);
    }
    assertThat(text(out.toByteArray()))
        .isEqualTo("{\"result\":[1],\"success\":true,\"errors\":[],\"messages\":[]}");
  }

  private static String text(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }
}
