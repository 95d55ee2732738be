package dev.opend1.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A bookmark has one canonical string form, parses back from it, and sorts in time. */
class BookmarkTest {

  private static byte[] hash(Random random) {
    byte[] h = new byte[16];
    random.nextBytes(h);
    return h;
  }

  @Test
  void theCanonicalFormIsFourLowercaseHexGroups() {
    byte[] hash = new byte[16];
    hash[0] = (byte) 0xab;
    hash[15] = 0x01;
    assertThat(new Bookmark(0x1_0000_002aL, hash).toString())
        .isEqualTo("00000000-00000001-0000002a-ab000000000000000000000000000001");
  }

  @Test
  void everyBookmarkParsesBackFromItsStringForm() {
    Random random = new Random(13);
    List<Long> seqs = new ArrayList<>(List.of(0L, 1L, 0xffffffffL, 0x1_0000_0000L, Long.MAX_VALUE));
    for (int i = 0; i < 200; i++) {
      seqs.add(random.nextLong() & Long.MAX_VALUE);
    }
    for (long seq : seqs) {
      Bookmark b = new Bookmark(seq, hash(random));
      assertThat(Bookmark.parse(b.toString())).as(b.toString()).contains(b);
    }
  }

  @Test
  void sortingTheStringsSortsTheBookmarksInTime() {
    Random random = new Random(7);
    List<Bookmark> bookmarks = new ArrayList<>();
    for (long seq : List.of(0L, 9L, 10L, 255L, 256L, 0xffffffffL, 0x1_0000_0000L, Long.MAX_VALUE)) {
      bookmarks.add(new Bookmark(seq, hash(random)));
    }
    for (int i = 0; i < 200; i++) {
      bookmarks.add(new Bookmark(random.nextLong() & Long.MAX_VALUE, hash(random)));
    }
    List<Bookmark> byText =
        bookmarks.stream().sorted(Comparator.comparing(Bookmark::toString)).toList();
    List<Bookmark> bySeq = bookmarks.stream().sorted().toList();
    assertThat(byText.stream().map(Bookmark::seq).toList())
        .isEqualTo(bySeq.stream().map(Bookmark::seq).toList())
        .isSorted();
  }

  @Test
  void textNotShapedLikeABookmarkDoesNotParse() {
    String good = "00000000-00000000-00000001-e313c53790ef819d6fbb7ca0802f6667";
    assertThat(Bookmark.parse(good)).isPresent();
    assertThat(Bookmark.parse(null)).isEmpty();
    assertThat(Bookmark.parse(good.toUpperCase())).as("uppercase").isEmpty();
    assertThat(Bookmark.parse(good.substring(1))).as("short").isEmpty();
    assertThat(Bookmark.parse(good + "0")).as("long").isEmpty();
    assertThat(Bookmark.parse(good.replace('-', '_'))).as("separators").isEmpty();
    assertThat(Bookmark.parse("00000001" + good.substring(8)))
        .as("a position past 64 bits")
        .isEmpty();
    assertThat(Bookmark.parse("00000000-80000000" + good.substring(17)))
        .as("a negative seq")
        .isEmpty();
  }

  @Test
  void aBookmarkIsANonNegativeSeqAndASixteenByteHash() {
    assertThatThrownBy(() -> new Bookmark(-1, new byte[16]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Bookmark(1, new byte[15]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new Bookmark(3, new byte[16])).isEqualTo(new Bookmark(3, new byte[16]));
    assertThat(new Bookmark(3, new byte[16]).hashCode())
        .isEqualTo(new Bookmark(3, new byte[16]).hashCode());
  }
}
