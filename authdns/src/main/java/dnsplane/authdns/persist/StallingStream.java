package dnsplane.authdns.persist;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.locks.LockSupport;

/**
 * StallingStream passes {@code limit} bytes, flushes them, and then hangs forever: a save caught
 * mid-write, for the test that kills authdns with SIGKILL during a save (see {@link
 * PersistConfig#stallAfterBytes}).
 */
final class StallingStream extends FilterOutputStream {
  private long left;

  StallingStream(OutputStream out, long limit) {
    super(out);
    this.left = limit;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    int pass = (int) Math.min(len, left);
    out.write(b, off, pass);
    left -= pass;
    if (pass < len) {
      out.flush();
      while (true) {
        LockSupport.park(this);
      }
    }
  }
}
