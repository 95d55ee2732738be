package dev.opend1.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The one JSON mapper of the HTTP edge (thread-safe once configured). */
final class Json {

  static final ObjectMapper MAPPER =
      new ObjectMapper(
          JsonFactory.builder()
              // Bodies are bounded by max-body-bytes already; let long SQL strings through.
              .streamReadConstraints(
                  StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
              .build());

  private Json() {}
}
