package dev.opend1.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opend1.core.D1Exception;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A write request stops counting as queued before its answer can be sent, whoever answers it: its
 * own task, or a round that ran it while its task still waits in the queue. Each answer is observed
 * by a dependent action, which runs on the answering thread the moment the answer completes.
 */
class SerialQueueTest {

  private final EngineCounters counters = new EngineCounters();
  private final ExecutorService writer = Executors.newSingleThreadExecutor();
  private final SerialQueue queue = new SerialQueue(writer, 4, counters);

  @AfterEach
  void stop() {
    writer.shutdownNow();
  }

  @Test
  void aTaskStopsCountingBeforeItsFutureCompletes() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    CompletableFuture<String> answer =
        queue.submit(
            () -> {
              go.await();
              return "done";
            });
    CompletableFuture<Integer> seen = answer.thenApply(v -> counters.queuedWrites());
    assertThat(counters.queuedWrites()).isEqualTo(1);
    go.countDown();
    assertThat(seen.get(30, TimeUnit.SECONDS)).as("queued when the answer came").isZero();
  }

  @Test
  void aFailedTaskStopsCountingBeforeItsFutureFails() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    CompletableFuture<Object> answer =
        queue.submit(
            () -> {
              go.await();
              throw new IllegalStateException("its own error");
            });
    CompletableFuture<Integer> seen = answer.handle((v, e) -> counters.queuedWrites());
    go.countDown();
    assertThat(seen.get(30, TimeUnit.SECONDS)).as("queued when the failure came").isZero();
  }

  @Test
  void aRequestARoundAnsweredStopsCountingWhileItsTaskStillWaits() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    CompletableFuture<Object> running =
        queue.submit(
            () -> {
              go.await();
              return null;
            });
    // A request queued behind the running task, answered by a round before its task runs.
    SerialQueue.Slot slot = queue.admit();
    WriteGroups.Pending p = new WriteGroups.Pending(null, null, slot, System.nanoTime());
    CompletableFuture<Object> task = queue.run(slot, () -> null);
    CompletableFuture<Integer> seen = p.result.thenApply(v -> counters.queuedWrites());
    CompletableFuture<dev.opend1.core.Bookmark> durable = new CompletableFuture<>();
    p.answerWhenDurable(durable);
    assertThat(counters.queuedWrites()).isEqualTo(2);

    durable.complete(null);
    assertThat(seen.get(30, TimeUnit.SECONDS)).as("queued when the answer came").isEqualTo(1);
    assertThat(task).isNotDone();
    go.countDown();
    running.get(30, TimeUnit.SECONDS);
    task.get(30, TimeUnit.SECONDS);
    assertThat(counters.queuedWrites()).as("its slot left once").isZero();
  }

  @Test
  void aFailedRequestStopsCountingBeforeItsErrorIsSent() throws Exception {
    SerialQueue.Slot slot = queue.admit();
    WriteGroups.Pending p = new WriteGroups.Pending(null, null, slot, System.nanoTime());
    CompletableFuture<Integer> seen = p.result.handle((v, e) -> counters.queuedWrites());
    p.fail(new IllegalStateException("its own error"));
    assertThat(seen.get(30, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void anAnsweredRequestFreesItsPlaceUnderTheBound() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    queue.submit(
        () -> {
          go.await();
          return null;
        });
    SerialQueue.Slot[] slots = {queue.admit(), queue.admit(), queue.admit()};
    assertThatThrownBy(queue::admit).isInstanceOf(D1Exception.Overloaded.class);
    assertThat(counters.overloads.sum()).isEqualTo(1);

    slots[0].leave();
    slots[0].leave();
    SerialQueue.Slot again = queue.admit();
    assertThatThrownBy(queue::admit).isInstanceOf(D1Exception.Overloaded.class);
    go.countDown();
    again.leave();
    slots[1].leave();
    slots[2].leave();
  }
}
