package dnsplane.authdns.persist;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * PersistConfig says where authdns keeps its snapshot copy ({@code dir}; null: nowhere) and when it
 * saves ({@code policy}). {@code stallAfterBytes} is a fault for the crash test only: when
 * positive, a save stops writing after that many bytes and hangs, as a process killed mid-write
 * would leave it (DNSPLANE_AUTHDNS_FAULT_SNAPSHOT_STALL_BYTES). {@code seeds} are the peers a
 * server with no copy of its own asks for theirs first ({@link SnapshotSeed}; empty: none). {@code
 * checkpoints} says whether a server that starts with nothing of its own reads the newest snapshot
 * checkpoint stored in PostgreSQL, and whether it writes them ({@link CheckpointReader}, {@link
 * CheckpointWriter}).
 */
public record PersistConfig(
    Path dir,
    SnapshotPersister.Policy policy,
    long stallAfterBytes,
    List<URI> seeds,
    Checkpoints checkpoints) {

  /** What a server does with snapshot checkpoints in PostgreSQL. */
  public enum Checkpoints {
    /** Neither reads nor writes them. */
    OFF,
    /** Starts from them; writes none. */
    READ,
    /** Starts from them, and writes them. */
    WRITE;

    public boolean read() {
      return this != OFF;
    }

    public boolean write() {
      return this == WRITE;
    }
  }

  /** No copy: the snapshot lives in memory only, and no checkpoints (in-process tests). */
  public static final PersistConfig NONE =
      new PersistConfig(null, SnapshotPersister.Policy.defaults(), 0);

  public PersistConfig {
    seeds = List.copyOf(seeds);
    java.util.Objects.requireNonNull(checkpoints, "checkpoints");
  }

  public PersistConfig(Path dir, SnapshotPersister.Policy policy, long stallAfterBytes) {
    this(dir, policy, stallAfterBytes, List.of(), Checkpoints.OFF);
  }

  public boolean enabled() {
    return dir != null;
  }

  /** Persisting to {@code dir} with the default policy. */
  public static PersistConfig at(Path dir) {
    return new PersistConfig(dir, SnapshotPersister.Policy.defaults(), 0);
  }

  public PersistConfig withMinInterval(Duration interval) {
    return new PersistConfig(
        dir,
        new SnapshotPersister.Policy(interval, policy.busyFactor()),
        stallAfterBytes,
        seeds,
        checkpoints);
  }

  /** This config, asking {@code peers} for a first copy when there is none of its own. */
  public PersistConfig withSeeds(List<URI> peers) {
    return new PersistConfig(dir, policy, stallAfterBytes, peers, checkpoints);
  }

  /** This config, doing {@code mode} with snapshot checkpoints. */
  public PersistConfig withCheckpoints(Checkpoints mode) {
    return new PersistConfig(dir, policy, stallAfterBytes, seeds, mode);
  }

  /**
   * The state directory when no flag names one: {@code $DNSPLANE_STATE_DIR/authdns}, else {@code
   * $XDG_STATE_HOME/dnsplane/authdns}, else {@code ~/.local/state/dnsplane/authdns}.
   */
  public static Path defaultDir(Map<String, String> env) {
    String state = env.get("DNSPLANE_STATE_DIR");
    if (state != null && !state.isBlank()) {
      return Path.of(state, "authdns");
    }
    String xdg = env.get("XDG_STATE_HOME");
    if (xdg != null && !xdg.isBlank()) {
      return Path.of(xdg, "dnsplane", "authdns");
    }
    return Path.of(System.getProperty("user.home"), ".local", "state", "dnsplane", "authdns");
  }
}
