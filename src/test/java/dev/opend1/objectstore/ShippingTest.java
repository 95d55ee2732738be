package dev.opend1.objectstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opend1.testing.D1Client;
import dev.opend1.testing.S3Proxy;
import dev.opend1.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server in this JVM shipping its history to a real S3 API server (s3proxy). */
class ShippingTest {

  static final String DBS = "/client/v4/accounts/" + TestServer.ACCOUNT.value() + "/d1/database";

  @TempDir static Path s3dir;
  static S3Proxy s3;

  @BeforeAll
  static void startS3() throws Exception {
    s3 = S3Proxy.start(s3dir.resolve("s3"));
    s3.useInThisJvm();
  }

  @AfterAll
  static void stopS3() throws Exception {
    s3.close();
  }

  static String create(D1Client c, String name) {
    D1Client.Reply r = c.post(DBS, "{\"name\":\"" + name + "\"}");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.result().path("uuid").asText();
  }

  static D1Client.Reply query(D1Client c, String db, String sql) {
    return c.post(DBS + "/" + db + "/query", "{\"sql\":\"" + sql + "\"}");
  }

  static List<String> objects(Path under) throws Exception {
    if (!Files.isDirectory(under)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(under)) {
      return s.filter(Files::isRegularFile)
          .map(p -> under.relativize(p).toString())
          .sorted()
          .toList();
    }
  }

  @Test
  void syncModeShipsEveryAcknowledgedWriteBeforeAnsweringIt(@TempDir Path dir) throws Exception {
    Map<String, String> settings = new HashMap<>(s3.settings("sync1", "sync"));
    try (TestServer server = TestServer.start(dir, settings)) {
      D1Client c = server.client();
      String db = create(c, "shipped");
      assertThat(query(c, db, "CREATE TABLE t (x)").status()).isEqualTo(200);
      for (int i = 0; i < 5; i++) {
        D1Client.Reply r = query(c, db, "INSERT INTO t VALUES (" + i + ")");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
      }
      Path prefix = s3.bucketDir().resolve("sync1");
      List<String> names = objects(prefix);
      assertThat(names).anyMatch(n -> n.startsWith("catalog/"));
      assertThat(names)
          .contains("db/" + db + "/meta.json", "db/" + db + "/snap/0000000000000000.db");
      long logs = names.stream().filter(n -> n.startsWith("db/" + db + "/log/")).count();
      assertThat(logs).isGreaterThanOrEqualTo(2);
    }
  }
}
