package dev.opend1.history;

import dev.opend1.engine.Engine;
import java.time.Duration;

/** Lets tests in other packages build a {@link TimeTravel} with a short grace period. */
public final class TimeTravelAccess {

  private TimeTravelAccess() {}

  public static TimeTravel withGrace(History history, Engine engine, Duration grace) {
    return new TimeTravel(history, engine, 1000, Duration.ofMinutes(10), grace);
  }
}
