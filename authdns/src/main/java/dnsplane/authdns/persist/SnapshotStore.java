package dnsplane.authdns.persist;

import dnsplane.authdns.zone.ZoneSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SnapshotStore keeps authdns's durable copies of its snapshot in one directory: {@value #CURRENT}
 * and the one before it, {@value #PREVIOUS}. A save writes a temporary file, fsyncs it, keeps the
 * current copy as the previous one (a hard link: at every instant a whole copy exists under {@value
 * #CURRENT}), renames the new one over the current one and fsyncs the directory. A crash at any
 * point leaves the last good copy in place and, at worst, a temporary file that the next open
 * removes.
 *
 * <p>A load tries the current copy, then the previous one; a copy that fails its checks is refused
 * and the refusal logged, and nothing of it is served.
 */
public final class SnapshotStore {

  static final String CURRENT = "authdns-snapshot.bin";
  static final String PREVIOUS = "authdns-snapshot.prev.bin";
  private static final String TEMP_PREFIX = "authdns-snapshot.";
  private static final String TEMP_SUFFIX = ".tmp";

  private static final Logger log = LoggerFactory.getLogger(SnapshotStore.class);

  /** A copy loaded from {@code path}. */
  public record Loaded(SnapshotFile.Contents contents, Path path, long bytes) {}

  /** Wraps the stream a save writes to; the fault-injection seam of the crash test. */
  @FunctionalInterface
  interface StreamWrapper {
    OutputStream wrap(OutputStream out) throws IOException;
  }

  private final Path dir;
  private final StreamWrapper wrapper;

  private SnapshotStore(Path dir, StreamWrapper wrapper) {
    this.dir = dir;
    this.wrapper = wrapper;
  }

  /**
   * Opens (creating it if needed) the state directory {@code dir}; fails when it cannot be written.
   * Removes temporary files that a crash during a save left behind.
   */
  public static SnapshotStore open(Path dir) throws IOException {
    return open(dir, out -> out);
  }

  /** Opens {@code config}'s directory, with its fault (if any) armed. */
  public static SnapshotStore open(PersistConfig config) throws IOException {
    long stall = config.stallAfterBytes();
    return open(config.dir(), stall > 0 ? out -> new StallingStream(out, stall) : out -> out);
  }

  static SnapshotStore open(Path dir, StreamWrapper wrapper) throws IOException {
    Files.createDirectories(dir);
    if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
      throw new IOException("state directory " + dir + " is not a writable directory");
    }
    try (DirectoryStream<Path> temps =
        Files.newDirectoryStream(dir, TEMP_PREFIX + "*" + TEMP_SUFFIX)) {
      for (Path t : temps) {
        log.warn("removing {}: a snapshot save that did not finish (crash?)", t);
        Files.deleteIfExists(t);
      }
    }
    return new SnapshotStore(dir, wrapper);
  }

  public Path directory() {
    return dir;
  }

  /**
   * The current copy's file, if there is one; unchecked (a peer that fetches it checks it). A save
   * renames a new file over it, so a file opened from this path stays whole while it is read.
   */
  public Optional<Path> current() {
    Path p = dir.resolve(CURRENT);
    return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
  }

  /** The newest copy that checks out, if any. */
  public Optional<Loaded> load() {
    for (String name : new String[] {CURRENT, PREVIOUS}) {
      Path p = dir.resolve(name);
      if (!Files.exists(p)) {
        continue;
      }
      try (InputStream in = Files.newInputStream(p)) {
        SnapshotFile.Contents c = SnapshotFile.read(in);
        return Optional.of(new Loaded(c, p, Files.size(p)));
      } catch (SnapshotFile.CorruptSnapshotException e) {
        log.error("refusing snapshot copy {}: {}; not serving any of it", p, e.getMessage());
      } catch (IOException e) {
        log.error("cannot read snapshot copy {}: {}", p, e.toString());
      }
    }
    return Optional.empty();
  }

  /** Saves {@code zones} durably as the current copy; returns its size in bytes. */
  public long save(ZoneSet zones, SnapshotFile.Header header) throws IOException {
    Path temp = Files.createTempFile(dir, TEMP_PREFIX, TEMP_SUFFIX);
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE);
          OutputStream out = wrapper.wrap(java.nio.channels.Channels.newOutputStream(ch))) {
        SnapshotFile.write(zones, header, out);
        out.flush();
        ch.force(true);
      }
      long bytes = Files.size(temp);
      Path current = dir.resolve(CURRENT);
      Path previous = dir.resolve(PREVIOUS);
      if (Files.exists(current)) {
        Files.deleteIfExists(previous);
        Files.createLink(previous, current);
      }
      Files.move(temp, current, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory();
      return bytes;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private void syncDirectory() throws IOException {
    // The rename is durable only once the directory entry is; Linux allows fsync on a directory.
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }
}
