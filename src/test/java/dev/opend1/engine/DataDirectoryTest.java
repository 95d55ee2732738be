package dev.opend1.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {

  @TempDir Path dir;

  @Test
  void aNewDirectoryIsStampedAndLocked() throws Exception {
    try (DataDirectory dd = DataDirectory.acquire(dir.resolve("data"))) {
      assertThat(Files.readString(dd.root().resolve("FORMAT")).trim())
          .isEqualTo("opend1-data-format " + DataDirectory.FORMAT_VERSION);
      assertThatThrownBy(() -> DataDirectory.acquire(dir.resolve("data")))
          .isInstanceOf(DataDirectoryException.class)
          .hasMessageContaining("in use by another opend1 server")
          .hasMessageContaining("pid " + ProcessHandle.current().pid());
    }
    DataDirectory.acquire(dir.resolve("data")).close();
  }

  @Test
  void takingTheDirectoryRemovesWhatACrashLeftBeforeAnythingStarts() throws Exception {
    Path data = dir.resolve("data");
    Files.createDirectories(data.resolve("trash/half-deleted"));
    Files.writeString(data.resolve("trash/half-deleted/db.sqlite"), "x");
    Files.createDirectories(data.resolve("tmp"));
    Files.writeString(data.resolve("tmp/result-1.spill"), "x");
    Files.createDirectories(data.resolve("db/kept"));
    try (DataDirectory dd = DataDirectory.acquire(data)) {
      assertThat(dd.layout().trashDir()).doesNotExist();
      assertThat(dd.layout().tmpDir()).doesNotExist();
      assertThat(data.resolve("db/kept")).isDirectory();
    }
  }

  @Test
  void aNewerFormatIsRefused() throws Exception {
    Files.writeString(dir.resolve("FORMAT"), "opend1-data-format 99\n");
    assertThatThrownBy(() -> DataDirectory.acquire(dir))
        .hasMessageContaining("format version 99")
        .hasMessageContaining("(" + DataDirectory.FORMAT_VERSION + ")");
    assertThatThrownBy(() -> DataDirectory.prepareForTool(dir)).hasMessageContaining("99");
    // Refused without taking the lock for good: a fixed directory can be used at once.
    Files.writeString(dir.resolve("FORMAT"), "opend1-data-format 1\n");
    DataDirectory.acquire(dir).close();
  }

  @Test
  void anUnreadableStampIsRefused() throws Exception {
    Files.writeString(dir.resolve("FORMAT"), "something else\n");
    assertThatThrownBy(() -> DataDirectory.acquire(dir))
        .hasMessageContaining("does not look like an opend1 format stamp");
  }

  @Test
  void toolsStampANewDirectoryWithoutLocking() throws Exception {
    Path root = DataDirectory.prepareForTool(Files.createDirectory(dir.resolve("tool")));
    assertThat(root.resolve("FORMAT")).exists();
    DataDirectory.acquire(root).close();
  }

  @Test
  void toolsRefuseADirectoryThatDoesNotExist() {
    assertThatThrownBy(() -> DataDirectory.prepareForTool(dir.resolve("missing")))
        .isInstanceOf(DataDirectoryException.class)
        .hasMessageContaining("does not exist");
    assertThat(dir.resolve("missing")).doesNotExist();
  }

  @Test
  void aDirectoryThatCannotBeMadeSaysWhy() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    assertThatThrownBy(() -> DataDirectory.acquire(file))
        .isInstanceOf(DataDirectoryException.class)
        .hasMessage(
            "cannot use data directory " + file + ": " + file + " is a file, not a directory");
    assertThatThrownBy(() -> DataDirectory.acquire(file.resolve("data")))
        .isInstanceOf(DataDirectoryException.class)
        .hasMessage(
            "cannot use data directory "
                + file.resolve("data")
                + ": "
                + file.resolve("data")
                + ": Not a directory");
  }
}
