package dev.opend1.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.D1Exception;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The dump's format on its own, from a snapshot held in memory ({@link FakeDumpSource}): what comes
 * in which order, and how each kind of value is written so it reads back the same.
 */
class SqlDumpTest {

  private static String dump(FakeDumpSource source, DumpOptions options) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SqlDump.write(source, options, out, () -> false);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void valuesAreWrittenAsLiteralsThatReadBackTheSame() throws IOException {
    FakeDumpSource source =
        new FakeDumpSource()
            .table(
                "t",
                "CREATE TABLE t(a, b)",
                List.of("a", "b"),
                new Object[] {1L, 7L, "it's"},
                new Object[] {2L, null, "line\nbreak"},
                new Object[] {3L, 1.5, new byte[] {0, (byte) 0xff}},
                new Object[] {4L, Double.POSITIVE_INFINITY, 100.0},
                new Object[] {5L, Long.MIN_VALUE, "ünï"});
    assertThat(dump(source, DumpOptions.ALL))
        .isEqualTo(
            """
            PRAGMA defer_foreign_keys=TRUE;
            CREATE TABLE t(a, b);
            INSERT INTO "t" ("a","b") VALUES(7,'it''s');
            INSERT INTO "t" ("a","b") VALUES(NULL,CAST(X'6c696e650a627265616b' AS TEXT));
            INSERT INTO "t" ("a","b") VALUES(1.5,X'00ff');
            INSERT INTO "t" ("a","b") VALUES(1e999,100.0);
            INSERT INTO "t" ("a","b") VALUES(-9223372036854775808,'ünï');
            """);
  }

  @Test
  void tablesThenRowsThenSequencesThenRebuildsThenIndexesViewsAndTriggers() throws IOException {
    FakeDumpSource source =
        new FakeDumpSource()
            .table(
                "posts",
                "CREATE TABLE posts(id INTEGER PRIMARY KEY AUTOINCREMENT, body)",
                List.of("id", "body"),
                new Object[] {1L, 1L, "hello"})
            .object(
                "table",
                "sqlite_sequence",
                "sqlite_sequence",
                "CREATE TABLE sqlite_sequence(name,seq)")
            .table(
                "f",
                "CREATE VIRTUAL TABLE f USING fts5(body)",
                List.of("body"),
                new Object[] {9L, "gamma"})
            .shadowTable("f_content")
            .table(
                "fx",
                "CREATE VIRTUAL TABLE fx USING fts5(body, content='posts', content_rowid='id')",
                List.of("body"),
                new Object[] {1L, "hello"})
            .object("trigger", "tr", "posts", "CREATE TRIGGER tr AFTER INSERT ON posts BEGIN END")
            .object("index", "pi", "posts", "CREATE INDEX pi ON posts(body)")
            .object("index", "sqlite_autoindex_posts_1", "posts", null)
            .object("view", "v", "posts", "CREATE VIEW v AS SELECT 1")
            .sequence("posts", 1);
    assertThat(dump(source, DumpOptions.ALL))
        .isEqualTo(
            """
            PRAGMA defer_foreign_keys=TRUE;
            CREATE TABLE posts(id INTEGER PRIMARY KEY AUTOINCREMENT, body);
            CREATE VIRTUAL TABLE f USING fts5(body);
            CREATE VIRTUAL TABLE fx USING fts5(body, content='posts', content_rowid='id');
            INSERT INTO "posts" ("id","body") VALUES(1,'hello');
            INSERT INTO "f" (rowid,"body") VALUES(9,'gamma');
            DELETE FROM sqlite_sequence;
            INSERT INTO "sqlite_sequence" VALUES('posts',1);
            INSERT INTO "fx"("fx") VALUES('rebuild');
            CREATE INDEX pi ON posts(body);
            CREATE VIEW v AS SELECT 1;
            CREATE TRIGGER tr AFTER INSERT ON posts BEGIN END;
            """);
  }

  @Test
  void aTableAskedForByNameMustExist() {
    FakeDumpSource source = new FakeDumpSource().table("t", "CREATE TABLE t(a)", List.of("a"));
    assertThatThrownBy(() -> dump(source, new DumpOptions(false, false, List.of("T", "nope"))))
        .isInstanceOf(D1Exception.SqlFailed.class)
        .hasMessage("D1 Export error: no such table: nope (dump_options.tables)");
  }

  @Test
  void aCancelledDumpStopsBetweenRows() {
    FakeDumpSource source =
        new FakeDumpSource().table("t", "CREATE TABLE t(a)", List.of("a"), new Object[] {1L, 1L});
    assertThatThrownBy(
            () ->
                SqlDump.write(source, DumpOptions.ALL, OutputStream.nullOutputStream(), () -> true))
        .isInstanceOf(IOException.class)
        .hasMessage("the export was cancelled");
  }
}
