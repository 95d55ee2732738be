package dev.opend1.transfer;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** An export's file as it is written: each write that succeeds is counted in its {@link Charge}. */
final class ChargedOutput extends FilterOutputStream {

  private final Charge charge;

  /** Bytes written so far. */
  private long total;

  ChargedOutput(OutputStream out, Charge charge) {
    super(out);
    this.charge = charge;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    total += len;
    charge.written(total);
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    total++;
    charge.written(total);
  }
}
