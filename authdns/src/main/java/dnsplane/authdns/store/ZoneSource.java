package dnsplane.authdns.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * ZoneSource is a master file that {@link ZoneFileReader} reads in passes, each from the start:
 * where the SOA is (when no origin is given), the records, the empty-rrset lines. Only the bytes of
 * the pass at hand are ever in memory.
 */
interface ZoneSource extends AutoCloseable {

  /** The file from its first byte; the caller closes the stream. */
  InputStream open() throws IOException;

  @Override
  default void close() throws IOException {}

  /** A file already in memory (UTF-8 by construction). */
  static ZoneSource of(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return () -> new ByteArrayInputStream(bytes);
  }

  /**
   * The file at {@code file}, which must be UTF-8 (else {@link
   * java.nio.charset.MalformedInputException}, as reading it whole would). A pipe or a device
   * ({@code /dev/stdin}) cannot be read twice: it is copied to a temporary file first, deleted on
   * {@link #close}.
   */
  static ZoneSource of(Path file) throws IOException {
    if (Files.isRegularFile(file) || !Files.exists(file)) {
      requireUtf8(file);
      return () -> Files.newInputStream(file);
    }
    Path copy = Files.createTempFile("dnsplane-zone-import-", ".zone");
    try {
      try (InputStream in = Files.newInputStream(file)) {
        Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
      }
      requireUtf8(copy);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(copy);
      throw e;
    }
    return new ZoneSource() {
      @Override
      public InputStream open() throws IOException {
        return Files.newInputStream(copy);
      }

      @Override
      public void close() throws IOException {
        Files.deleteIfExists(copy);
      }
    };
  }

  /** Decodes the whole file strictly, a buffer at a time; NoSuchFileException if it is missing. */
  private static void requireUtf8(Path file) throws IOException {
    char[] buffer = new char[1 << 14];
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      while (r.read(buffer) >= 0) {
        // only decoding: a malformed sequence throws MalformedInputException
      }
    }
  }
}
