package dnsplane.db.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.PullResponseItem;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.ImageNameSubstitutor;
import org.testcontainers.utility.TestcontainersConfiguration;

/**
 * The images {@link ContainerTier} needs, had without waiting on an unreachable registry:
 * Testcontainers' own pull retries one for two minutes per image, so they are pulled here, bounded,
 * before Testcontainers would.
 */
final class DockerImages {

  /** Testcontainers 2.0.5 reads this switch from the environment only. */
  static final String RYUK_DISABLED_ENV = "TESTCONTAINERS_RYUK_DISABLED";

  /** The image Testcontainers 2.0.5's RyukContainer runs unless configured otherwise. */
  static final String RYUK_IMAGE = "testcontainers/ryuk:0.14.0";

  /** The image Testcontainers 2.0.5 runs for small jobs unless configured otherwise. */
  static final String TINY_IMAGE = "alpine:3.17";

  /** Plain Debian, built by deploy/docker/base-images like {@link ContainerTier#LOCAL_IMAGE}. */
  static final String DEBIAN_IMAGE = "dnsplane-base/debian:bookworm";

  /** A pull fails when the engine reports no progress for this long. */
  static final Duration PULL_STALL = Duration.ofSeconds(15);

  /** And when it is not done after this long, progress or not. */
  static final Duration PULL_LIMIT = Duration.ofMinutes(5);

  private static boolean ryukReady;
  private static String ryukProblem;

  private DockerImages() {}

  /**
   * The name Testcontainers will really use for {@code image}: its configured substitutions (e.g.
   * {@code ryuk.container.image}) apply, so that is the name to look for on the engine.
   */
  static String substituted(String image) {
    return ImageNameSubstitutor.instance()
        .apply(DockerImageName.parse(image))
        .asCanonicalNameString();
  }

  static boolean present(DockerClient docker, String image) {
    try {
      docker.inspectImageCmd(image).exec();
      return true;
    } catch (NotFoundException e) {
      return false;
    }
  }

  /** The engine lacks an image and cannot pull it (no registry, an unknown name). */
  static final class Unavailable extends IllegalStateException {
    Unavailable(String why) {
      super("not on the Docker engine, and pulling it failed: " + why);
    }
  }

  /** Pulls {@code image} unless the engine has it; throws {@link Unavailable} when it cannot. */
  static void ensureLocal(DockerClient docker, String image) {
    if (present(docker, image)) {
      return;
    }
    String why = pull(docker, image);
    if (why != null) {
      throw new Unavailable(why);
    }
  }

  /** Null when {@code image} was pulled, else why not. */
  static String pull(DockerClient docker, String image) {
    DockerImageName name = DockerImageName.parse(image);
    Progress progress = new Progress();
    long start = System.nanoTime();
    try (Progress p =
        docker
            .pullImageCmd(name.getUnversionedPart())
            .withTag(name.getVersionPart())
            .exec(progress)) {
      while (!p.awaitCompletion(1, TimeUnit.SECONDS)) {
        long now = System.nanoTime();
        if (now - p.lastNanos > PULL_STALL.toNanos()) {
          return "no progress for " + PULL_STALL.toSeconds() + " s (last: " + p.last + ")";
        }
        if (now - start > PULL_LIMIT.toNanos()) {
          return "not done after " + PULL_LIMIT.toMinutes() + " min (last: " + p.last + ")";
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    } catch (IOException | RuntimeException e) {
      return ContainerTier.oneLine(e);
    }
    if (progress.error != null) {
      return progress.error;
    }
    return present(docker, image) ? null : "the engine reported no error but has no such image";
  }

  /** The pull's progress: when the engine last said something, and what. */
  private static final class Progress extends ResultCallback.Adapter<PullResponseItem> {
    volatile long lastNanos = System.nanoTime();
    volatile String last = "nothing yet";
    volatile String error;

    /** Kept, not logged: a failed pull is a reason the caller reports on one line. */
    @Override
    public void onError(Throwable t) {
      error = ContainerTier.oneLine(t);
      try {
        close(); // ends awaitCompletion
      } catch (IOException ignored) {
        // The stream is gone already.
      }
    }

    @Override
    public void onNext(PullResponseItem item) {
      lastNanos = System.nanoTime();
      if (item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null) {
        error = item.getErrorDetail().getMessage();
      } else if (item.getStatus() != null) {
        last = item.getStatus();
      }
    }
  }

  /**
   * Unless turned off, Testcontainers starts Ryuk with the first container and would pull its image
   * itself, retrying an unreachable hub for minutes; so its image is had here, bounded, or the
   * start fails saying what to set. A failure is kept: another pull in this JVM would stall again.
   */
  static void requireRyukImage(DockerClient docker) {
    if (ryukReady || Boolean.parseBoolean(System.getenv(RYUK_DISABLED_ENV))) {
      return;
    }
    if (ryukProblem == null) {
      String ryuk = substituted(RYUK_IMAGE);
      String why = present(docker, ryuk) ? null : pull(docker, ryuk);
      if (why == null) {
        ryukReady = true;
        return;
      }
      ryukProblem =
          "set "
              + RYUK_DISABLED_ENV
              + "=true (the Maven build does): Ryuk's image "
              + ryuk
              + " is not on the Docker engine and pulling it failed: "
              + why;
    }
    throw new IllegalStateException(ryukProblem);
  }

  /**
   * Testcontainers runs the tiny image at start-up when it runs inside a container itself (to find
   * the Docker host's address). When the engine lacks it and nothing configures one, {@value
   * #DEBIAN_IMAGE} stands in if the engine has it (small: with the vfs storage driver each
   * container copies its whole image), else the PostgreSQL image, which is on the engine by now.
   * Set in memory at the lowest priority Testcontainers reads (classpath properties), so that the
   * environment and {@code ~/.testcontainers.properties} still win.
   */
  static void standInForTinyImage(DockerClient docker, String postgresImage) {
    TestcontainersConfiguration config = TestcontainersConfiguration.getInstance();
    String key = "tinyimage.container.image";
    if (config.getEnvVarOrProperty(key, null) != null || present(docker, substituted(TINY_IMAGE))) {
      return;
    }
    String standIn = present(docker, substituted(DEBIAN_IMAGE)) ? DEBIAN_IMAGE : postgresImage;
    config.getClasspathProperties().setProperty(key, standIn);
  }
}
