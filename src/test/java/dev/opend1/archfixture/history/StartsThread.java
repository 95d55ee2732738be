package dev.opend1.archfixture.history;

/** Breaks the thread rule: history starting a thread of its own. */
public final class StartsThread {

  private StartsThread() {}

  public static Thread start(Runnable work) {
    Thread t = new Thread(work, "history-fixture");
    t.start();
    return t;
  }
}
