package dev.opend1.api.fakes;

import dev.opend1.api.StatusService;
import dev.opend1.core.DatabaseId;
import java.util.List;
import java.util.Map;

/** {@link StatusService} of an idle server with nothing on disk, whose every database is sound. */
public final class FakeStatus implements StatusService {

  @Override
  public Report report() {
    return new Report(1 << 30, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0, java.util.Optional.empty());
  }

  @Override
  public Check check(DatabaseId id) {
    return new Check(List.of(), List.of("a fake database"), 0);
  }
}
