package dev.opend1.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.opend1.core.D1Exception;
import dev.opend1.engine.QueryInput;
import dev.opend1.sql.StatementSplitter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the body of {@code /query} and {@code /raw} as it arrives: {@code {"sql", "params"}} or
 * {@code {"batch": [{"sql", "params"}, ...]}}.
 *
 * <p>Parameters may be strings, numbers (integers up to 64 bits kept exact, others as doubles),
 * {@code null}, booleans (bound as 1 and 0) and arrays of byte values 0-255 (bound as a BLOB).
 * Every string must be Unicode text ({@link UnicodeText}).
 *
 * <p>The body is read token by token, never as a whole tree, and refused as soon as it passes one
 * of its {@link QueryBounds}: a batch item past the statement limit, a {@code params} value past
 * the parameter limit, a {@code sql} string with a statement too long or too many statements (each
 * string is measured without being split: {@link StatementSplitter#measure}). So what a request
 * holds in memory is its strings and at most the limit of statements, however it is built.
 *
 * <p>One instance reads one body.
 */
final class QueryBody {

  private final QueryBounds bounds;

  /** Statements of the body so far, a batch item counting as at least one. */
  private int statements;

  private QueryBody(QueryBounds bounds) {
    this.bounds = bounds;
  }

  /** The request's inputs, from a parser positioned before the body's first token. */
  static List<QueryInput> read(JsonParser p, QueryBounds bounds) throws IOException {
    return new QueryBody(bounds).body(p);
  }

  private List<QueryInput> body(JsonParser p) throws IOException {
    JsonToken first = p.nextToken();
    if (first == null) {
      throw new D1Exception.InvalidRequest("Request body is empty; expected a JSON object");
    }
    if (first != JsonToken.START_OBJECT) {
      throw new D1Exception.InvalidRequest(
          "Request body must be a JSON object, not " + JsonFields.describe(first));
    }
    String sql = null;
    List<Object> params = List.of();
    List<QueryInput> batch = null;
    for (JsonToken t = next(p); t != JsonToken.END_OBJECT; t = next(p)) {
      String name = p.currentName();
      JsonToken v = next(p);
      switch (name) {
        case "sql" -> {
          sql = sql(p, v, TOP, "sql");
          if (sql != null && batch != null) {
            throw notBoth();
          }
        }
        case "params" -> params = params(p, v, TOP);
        case "batch" -> {
          if (v != JsonToken.VALUE_NULL && sql != null) {
            throw notBoth();
          }
          batch = batch(p, v);
        }
        default -> p.skipChildren();
      }
    }
    if (batch != null) {
      return batch;
    }
    if (sql == null) {
      throw JsonFields.invalid("sql", "Required");
    }
    charge(sql);
    return List.of(new QueryInput(sql, params));
  }

  /** The next token; the end of the body inside a value is malformed JSON. */
  private static JsonToken next(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == null) {
      throw new JsonEOFException(p, null, "Unexpected end of the body");
    }
    return t;
  }

  private static D1Exception notBoth() {
    return new D1Exception.InvalidRequest(
        "Invalid request: send either sql (with params) or batch, not both");
  }

  /** The items of {@code batch}, or null for JSON null. */
  private List<QueryInput> batch(JsonParser p, JsonToken v) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    if (v != JsonToken.START_ARRAY) {
      throw JsonFields.invalid("batch", "Expected array, received " + JsonFields.describe(v));
    }
    List<QueryInput> inputs = new ArrayList<>();
    for (JsonToken t = next(p); t != JsonToken.END_ARRAY; t = next(p)) {
      if (t != JsonToken.START_OBJECT) {
        throw JsonFields.invalid(
            "batch[" + inputs.size() + "]", "Expected object, received " + JsonFields.describe(t));
      }
      QueryInput input = item(p, inputs.size());
      charge(input.sql());
      inputs.add(input);
    }
    return inputs;
  }

  /** The body's own {@code sql} and {@code params}, in {@link #name}: no batch item's. */
  private static final int TOP = -1;

  /**
   * The name of field {@code field} of batch item {@code item} ({@link #TOP} for the body's own) in
   * an error: {@code batch[2].sql}. Built only for an error, never for each item of a good batch.
   */
  private static String name(int item, String field) {
    return item == TOP ? field : "batch[" + item + "]." + field;
  }

  /**
   * One {@code {sql, params}} object of the batch (item number {@code item}), from its first field.
   */
  private QueryInput item(JsonParser p, int item) throws IOException {
    String sql = null;
    List<Object> params = List.of();
    for (JsonToken t = next(p); t != JsonToken.END_OBJECT; t = next(p)) {
      String name = p.currentName();
      JsonToken v = next(p);
      switch (name) {
        case "sql" -> sql = sql(p, v, item, "sql");
        case "params" -> params = params(p, v, item);
        default -> p.skipChildren();
      }
    }
    if (sql == null) {
      throw JsonFields.invalid(name(item, "sql"), "Required");
    }
    return new QueryInput(sql, params);
  }

  /** A {@code sql} value of item {@code item}: its text, or null for JSON null. */
  private static String sql(JsonParser p, JsonToken v, int item, String field) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return null;
    }
    if (v != JsonToken.VALUE_STRING) {
      throw JsonFields.invalid(
          name(item, field), "Expected string, received " + JsonFields.describe(v));
    }
    return text(p, item, field, NONE);
  }

  /** No element of an array, in {@link #text}: the field's own value. */
  private static final int NONE = -1;

  /**
   * A string value (element {@code element} of the field's array, or {@link #NONE}), unless it
   * holds a lone surrogate ({@link UnicodeText}).
   */
  private static String text(JsonParser p, int item, String field, int element) throws IOException {
    String s = p.getText();
    if (UnicodeText.loneSurrogate(s) < 0) {
      return s;
    }
    return UnicodeText.checked(s, element == NONE ? name(item, field) : param(item, element));
  }

  /** The name of parameter {@code index} of item {@code item} in an error: {@code params[0]}. */
  private static String param(int item, int index) {
    return name(item, "params") + "[" + index + "]";
  }

  /**
   * Counts the statements of one {@code sql} string against the limit, and refuses a statement
   * longer than SQLite would take before anything splits it (splitting holds one statement's tokens
   * at a time, up to 30 times its text).
   */
  private void charge(String sql) {
    int n;
    if (sql.indexOf(';') < 0 && sql.length() <= bounds.maxStatementChars()) {
      n = 1; // at most one statement, not too long: nothing to measure
    } else {
      StatementSplitter.Measure m =
          StatementSplitter.measure(
              sql, bounds.maxStatements() - statements, bounds.maxStatementChars());
      if (m.tooLong()) {
        throw new D1Exception.SqlFailed("statement too long: SQLITE_TOOBIG");
      }
      n = Math.max(1, m.statements());
    }
    statements += n;
    if (statements > bounds.maxStatements()) {
      throw new D1Exception.SqlFailed(
          "Too many statements in one request: the limit is "
              + bounds.maxStatements()
              + " (a batch item counts as at least one); send them in several requests, or"
              + " import them as a SQL file");
    }
  }

  /** A {@code params} value of item {@code item}: its values, none for JSON null. */
  private List<Object> params(JsonParser p, JsonToken v, int item) throws IOException {
    if (v == JsonToken.VALUE_NULL) {
      return List.of();
    }
    if (v != JsonToken.START_ARRAY) {
      throw JsonFields.invalid(
          name(item, "params"), "Expected array, received " + JsonFields.describe(v));
    }
    List<Object> values = new ArrayList<>();
    for (JsonToken t = next(p); t != JsonToken.END_ARRAY; t = next(p)) {
      if (values.size() == bounds.maxParams()) {
        // More values than any statement may take: D1's words for too many parameters.
        throw new D1Exception.SqlFailed("too many SQL variables: SQLITE_ERROR");
      }
      values.add(param(p, t, item, values.size()));
    }
    return values;
  }

  private static Object param(JsonParser p, JsonToken t, int item, int index) throws IOException {
    return switch (t) {
      case VALUE_NULL -> null;
      case VALUE_STRING -> text(p, item, "params", index);
      case VALUE_TRUE -> 1L;
      case VALUE_FALSE -> 0L;
      case VALUE_NUMBER_INT -> {
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
          throw JsonFields.invalid(
              param(item, index), "integer " + p.getBigIntegerValue() + " does not fit in 64 bits");
        }
        yield p.getLongValue();
      }
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case START_ARRAY -> blob(p, item, index);
      default ->
          throw JsonFields.invalid(
              param(item, index),
              "Expected string, number, boolean, null or an array of bytes, received "
                  + JsonFields.describe(t));
    };
  }

  /**
   * An array of byte values (parameter {@code index} of item {@code item}), from its first element.
   */
  private static byte[] blob(JsonParser p, int item, int index) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (JsonToken t = next(p); t != JsonToken.END_ARRAY; t = next(p)) {
      int value =
          t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT
              ? p.getIntValue()
              : -1;
      if (value < 0 || value > 255) {
        throw JsonFields.invalid(
            param(item, index),
            "a BLOB is an array of byte values 0 to 255; element "
                + bytes.size()
                + " is "
                + JsonFields.show(p, t));
      }
      bytes.write(value);
    }
    return bytes.toByteArray();
  }
}
