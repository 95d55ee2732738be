package dev.opend1.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicatedHistoryStoreTest {

  /**
   * The replicated store wraps the local one: a default method of {@link HistoryStore} it does not
   * override answers the default instead of the local store's answer (as {@code localFile} once
   * did, which made every past state copy its whole snapshot when object storage was configured).
   */
  @Test
  void overridesEveryMethodOfTheStore() {
    List<String> missing =
        Arrays.stream(HistoryStore.class.getMethods())
            .filter(m -> !Modifier.isStatic(m.getModifiers()))
            .filter(m -> !declares(ReplicatedHistoryStore.class, m))
            .map(Method::getName)
            .toList();
    assertThat(missing).isEmpty();
  }

  private static boolean declares(Class<?> type, Method m) {
    try {
      type.getDeclaredMethod(m.getName(), m.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
