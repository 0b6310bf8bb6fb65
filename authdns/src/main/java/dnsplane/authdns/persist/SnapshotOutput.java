package dnsplane.authdns.persist;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * The writing side of {@link SnapshotInput}: a buffer of its own, its CRC-32C updated and its bytes
 * counted a buffer at a time. A save writes a million rrsets in a few small fields each, and the
 * stream of streams it replaced (checksum, count, buffer) cost a call chain, a checksum update and
 * a lock per byte.
 */
final class SnapshotOutput extends OutputStream {
  private final OutputStream out;
  private final byte[] buf = new byte[1 << 16];
  private final CRC32C crc = new CRC32C();
  private int pos;
  private long drained;

  SnapshotOutput(OutputStream out) {
    this.out = out;
  }

  @Override
  public void write(int b) throws IOException {
    if (pos == buf.length) {
      drain();
    }
    buf[pos++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (pos == buf.length) {
        drain();
      }
      int n = Math.min(len, buf.length - pos);
      System.arraycopy(b, off, buf, pos, n);
      pos += n;
      off += n;
      len -= n;
    }
  }

  /** Bytes written so far. */
  long count() {
    return drained + pos;
  }

  @Override
  public void flush() throws IOException {
    drain();
    out.flush();
  }

  /** Writes the CRC-32C of everything written before it, outside the checksum, and flushes. */
  void finish() throws IOException {
    drain();
    int value = (int) crc.getValue();
    out.write(
        new byte[] {
          (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
        });
    out.flush();
  }

  private void drain() throws IOException {
    if (pos > 0) {
      crc.update(buf, 0, pos);
      out.write(buf, 0, pos);
      drained += pos;
      pos = 0;
    }
  }
}
