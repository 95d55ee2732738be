package dev.opend1.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.opend1.core.D1Exception;
import dev.opend1.engine.QueryInput;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the body of {@code /query} and {@code /raw}: {@code {"sql", "params"}} or {@code {"batch":
 * [{"sql", "params"}, ...]}}.
 *
 * <p>Parameters may be strings, numbers (integers up to 64 bits kept exact, others as doubles),
 * {@code null}, booleans (bound as 1 and 0) and arrays of byte values 0-255 (bound as a BLOB).
 */
final class QueryBody {

  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private QueryBody() {}

  static List<QueryInput> parse(ObjectNode body) {
    JsonNode batch = body.get("batch");
    if (batch != null && !batch.isNull()) {
      if (body.hasNonNull("sql")) {
        throw new D1Exception.InvalidRequest(
            "Invalid request: send either sql (with params) or batch, not both");
      }
      if (!batch.isArray()) {
        throw JsonFields.invalid("batch", "Expected array, received " + JsonFields.describe(batch));
      }
      List<QueryInput> inputs = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        JsonNode item = batch.get(i);
        if (!item.isObject()) {
          throw JsonFields.invalid(
              "batch[" + i + "]", "Expected object, received " + JsonFields.describe(item));
        }
        inputs.add(input((ObjectNode) item, "batch[" + i + "]."));
      }
      return inputs;
    }
    return List.of(input(body, ""));
  }

  private static QueryInput input(ObjectNode node, String prefix) {
    JsonNode sql = node.get("sql");
    if (sql == null || sql.isNull()) {
      throw JsonFields.invalid(prefix + "sql", "Required");
    }
    if (!sql.isTextual()) {
      throw JsonFields.invalid(
          prefix + "sql", "Expected string, received " + JsonFields.describe(sql));
    }
    JsonNode params = node.get("params");
    List<Object> values = new ArrayList<>();
    if (params != null && !params.isNull()) {
      if (!params.isArray()) {
        throw JsonFields.invalid(
            prefix + "params", "Expected array, received " + JsonFields.describe(params));
      }
      for (int i = 0; i < params.size(); i++) {
        values.add(param(params.get(i), prefix + "params[" + i + "]"));
      }
    }
    return new QueryInput(sql.textValue(), values);
  }

  private static Object param(JsonNode v, String name) {
    if (v.isNull()) {
      return null;
    }
    if (v.isTextual()) {
      return v.textValue();
    }
    if (v.isBoolean()) {
      return v.booleanValue() ? 1L : 0L;
    }
    if (v.isIntegralNumber()) {
      BigInteger b = v.bigIntegerValue();
      if (b.compareTo(LONG_MIN) < 0 || b.compareTo(LONG_MAX) > 0) {
        throw JsonFields.invalid(name, "integer " + b + " does not fit in 64 bits");
      }
      return b.longValue();
    }
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isArray()) {
      byte[] bytes = new byte[v.size()];
      for (int i = 0; i < v.size(); i++) {
        JsonNode b = v.get(i);
        if (!b.isIntegralNumber()
            || b.intValue() < 0
            || b.intValue() > 255
            || !b.canConvertToInt()) {
          throw JsonFields.invalid(
              name, "a BLOB is an array of byte values 0 to 255; element " + i + " is " + b);
        }
        bytes[i] = (byte) b.intValue();
      }
      return bytes;
    }
    throw JsonFields.invalid(
        name,
        "Expected string, number, boolean, null or an array of bytes, received "
            + JsonFields.describe(v));
  }
}
