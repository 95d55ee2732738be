package dev.opend1.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.core.D1Exception;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What each error of the family answers: its HTTP status and D1 code, as D1 answers them. */
class HttpStatusesTest {

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of(new D1Exception.InvalidRequest("bad"), 400, 7400),
        Arguments.of(new D1Exception.PayloadTooLarge(10), 413, 7400),
        Arguments.of(new D1Exception.DatabaseNotFound(), 404, 7404),
        Arguments.of(new D1Exception.NoRoute(), 404, 7003),
        Arguments.of(new D1Exception.AuthenticationFailed(), 401, 10000),
        Arguments.of(new D1Exception.ReadOnlyToken("write"), 403, 10000),
        Arguments.of(new D1Exception.AccountNotAuthorized(), 403, 7403),
        Arguments.of(new D1Exception.DuplicateName(), 400, 7502),
        Arguments.of(new D1Exception.DatabaseLimitReached(10), 400, 7406),
        Arguments.of(new D1Exception.SqlFailed("no such table: t: SQLITE_ERROR"), 400, 7500),
        Arguments.of(new D1Exception.Overloaded(), 429, 7500),
        Arguments.of(new D1Exception.QueuedTooLong(), 429, 7500),
        Arguments.of(new D1Exception.NotDurable(), 500, 7500),
        Arguments.of(new D1Exception.ShuttingDown(), 503, 7500),
        Arguments.of(new D1Exception.BackupUnavailable("the object store is down"), 503, 7500),
        Arguments.of(new D1Exception.DatabaseUnavailable("x", "gone"), 503, 7500),
        Arguments.of(new D1Exception.CatalogUnreachable("catalog query"), 503, 7500),
        Arguments.of(new D1Exception.RateLimited("too many"), 429, 7500),
        Arguments.of(new D1Exception.ClusterCallRefused(), 401, 10000),
        Arguments.of(new D1Exception.OwnerUnavailable("node b is down"), 503, 7500),
        Arguments.of(new D1Exception.OwnerConnectionLost("b", "reset"), 502, 7500),
        Arguments.of(new D1Exception.NotOwner("db", "node b holds its lease"), 503, 7500),
        Arguments.of(new D1Exception.DiskFull("nothing"), 507, 7500),
        Arguments.of(new D1Exception.ResultTooLarge(10), 400, 7500),
        Arguments.of(new D1Exception.SpillSpaceBusy(10), 503, 7500),
        Arguments.of(new D1Exception.HistoryDamaged("x", "seg-0.log byte 0", "b"), 500, 7500),
        Arguments.of(new D1Exception.Internal(new RuntimeException()), 500, 7500));
  }

  @ParameterizedTest
  @MethodSource("errors")
  void everyErrorAnswersItsStatusAndCode(D1Exception e, int status, int code) {
    assertThat(HttpStatuses.of(e)).isEqualTo(status);
    assertThat(e.code()).isEqualTo(code);
  }

  @Test
  void theTableNamesEverySubtype() {
    List<String> named = errors().map(a -> a.get()[0].getClass().getName()).toList();
    List<String> subtypes =
        Arrays.stream(D1Exception.class.getPermittedSubclasses()).map(Class::getName).toList();
    assertThat(named).containsExactlyInAnyOrderElementsOf(subtypes);
  }
}
