package dev.opend1.api;

import dev.opend1.analytics.QueryRecorder;
import dev.opend1.api.fakes.Fakes;
import dev.opend1.config.ConfigLoader;
import dev.opend1.core.DatabaseId;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A cluster member over the routes' fakes, for tests of forwarding against a stand-in owner: every
 * database but those {@code servedHere} accepts is the owner's at {@code ownerUrl}.
 */
final class ForwardingMember {

  private ForwardingMember() {}

  /** Starts the member on port 0, with {@code settings} (flags without their dashes) besides. */
  static ApiServer start(
      Path dir,
      Fakes fakes,
      QueryService queries,
      URI ownerUrl,
      Predicate<DatabaseId> servedHere,
      Map<String, String> settings) {
    ForwardingService forwarding =
        new ForwardingService() {
          @Override
          public Optional<Peer> owner(DatabaseId db) {
            return servedHere.test(db)
                ? Optional.empty()
                : Optional.of(new Peer("owner", ownerUrl));
          }

          @Override
          public Optional<Peer> placement() {
            return Optional.empty();
          }

          @Override
          public void failed(DatabaseId db) {}

          @Override
          public List<Peer> peers() {
            return List.of();
          }
        };
    Services services =
        new Services(
            fakes.accounts,
            fakes.tokens,
            fakes.databases,
            queries,
            fakes.timeTravel,
            fakes.transfers,
            fakes.status,
            registry -> {},
            QueryRecorder.NONE,
            fakes.analytics,
            fakes.recovery,
            Optional.of(forwarding),
            Optional.empty());
    Map<String, String> flags = new HashMap<>(settings);
    flags.putAll(
        Map.of(
            "port", "0",
            "data-dir", dir.toString(),
            "advertise-url", "http://127.0.0.1:1",
            "catalog", "postgresql://opend1@127.0.0.1:1/catalog",
            "object-store", "s3://bucket/prefix",
            "object-store-endpoint", "http://127.0.0.1:1"));
    return new ApiServer(
        ConfigLoader.load(
            flags,
            Map.of("OPEND1_CLUSTER_SECRET", "the-secret-of-this-test", "PGPASSWORD", "unused")),
        services);
  }
}
