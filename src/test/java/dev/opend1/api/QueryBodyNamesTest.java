package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.JsonParser;
import dev.opend1.core.D1Exception;
import dev.opend1.engine.QueryInput;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An invalid value of a {@code /query} body is named in the error by where it is: the body's own
 * {@code sql} and {@code params[i]}, or a batch item's {@code batch[n].sql} and {@code
 * batch[n].params[i]}. The names are built only for the error, so these pin each place.
 */
class QueryBodyNamesTest {

  private static final QueryBounds BOUNDS = new QueryBounds(100, 100_000, 100);

  private static List<QueryInput> read(String body) throws Exception {
    try (JsonParser p = Json.MAPPER.createParser(body)) {
      return QueryBody.read(p, BOUNDS);
    }
  }

  private static String refused(String body) {
    Throwable t = catchThrowable(() -> read(body));
    assertThat(t).as(body).isInstanceOf(D1Exception.InvalidRequest.class);
    return t.getMessage();
  }

  @Test
  void aBatchItemsBadValueIsNamedByItsItemAndField() {
    assertThat(refused("{\"batch\":[{\"sql\":\"SELECT 1\"},5]}"))
        .startsWith("Invalid property: batch[1] => Expected object");
    assertThat(refused("{\"batch\":[{\"sql\":\"SELECT 1\"},{\"sql\":\"SELECT 2\"},{}]}"))
        .isEqualTo("Invalid property: batch[2].sql => Required");
    assertThat(refused("{\"batch\":[{\"sql\":7}]}"))
        .startsWith("Invalid property: batch[0].sql => Expected string");
    assertThat(refused("{\"batch\":[{\"sql\":\"SELECT 1\"},{\"sql\":\"SELECT ?\",\"params\":5}]}"))
        .startsWith("Invalid property: batch[1].params => Expected array");
    assertThat(refused("{\"batch\":[{\"sql\":\"SELECT ?, ?\",\"params\":[1,{\"a\":1}]}]}"))
        .startsWith("Invalid property: batch[0].params[1] => Expected string, number");
    assertThat(
            refused(
                "{\"batch\":[{\"sql\":\"SELECT 1\"},"
                    + "{\"sql\":\"SELECT ?, ?\",\"params\":[\"a\",[1,256]]}]}"))
        .startsWith("Invalid property: batch[1].params[1] => a BLOB is an array of byte values");
    assertThat(refused("{\"batch\":[{\"sql\":\"SELECT ?\",\"params\":[18446744073709551616]}]}"))
        .startsWith("Invalid property: batch[0].params[0] => integer 18446744073709551616");
    assertThat(refused("{\"batch\":[{\"sql\":\"SELECT ?\",\"params\":[\"\\ud800\"]}]}"))
        .startsWith("Invalid property: batch[0].params[0] => Invalid text");
  }

  @Test
  void theBodysOwnBadValueIsNamedByItsField() {
    assertThat(refused("{\"sql\":7}")).startsWith("Invalid property: sql => Expected string");
    assertThat(refused("{\"sql\":\"SELECT ?\",\"params\":5}"))
        .startsWith("Invalid property: params => Expected array");
    assertThat(refused("{\"sql\":\"SELECT ?, ?\",\"params\":[1,true,{}]}"))
        .startsWith("Invalid property: params[2] => Expected string, number");
    assertThat(refused("{\"sql\":\"SELECT ?\",\"params\":[[300]]}"))
        .startsWith("Invalid property: params[0] => a BLOB is an array");
    assertThat(refused("{\"sql\":\"SELECT '\\udc00'\"}"))
        .startsWith("Invalid property: sql => Invalid text");
  }

  @Test
  void aGoodBatchReadsEveryItemsTextAndValues() throws Exception {
    List<QueryInput> inputs =
        read(
            "{\"batch\":[{\"sql\":\"INSERT INTO t VALUES (?, ?)\",\"params\":[\"a\",[1,2]]},"
                + "{\"sql\":\"SELECT 1\"}]}");
    assertThat(inputs).hasSize(2);
    assertThat(inputs.get(0).sql()).isEqualTo("INSERT INTO t VALUES (?, ?)");
    assertThat(inputs.get(0).params().get(0)).isEqualTo("a");
    assertThat((byte[]) inputs.get(0).params().get(1)).containsExactly(1, 2);
    assertThat(inputs.get(1).params()).isEmpty();
  }
}
