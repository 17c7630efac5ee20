package dev.loraq.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Apicurio Registry application (a Quarkus app) unpacked from the Maven artifact
 * {@code io.apicurio:apicurio-registry-app:<version>:tar.gz:all} into a cache folder, once per version.
 */
public final class ApicurioDistribution {

    /** System property that overrides the archive path Maven recorded at build time. */
    public static final String ARCHIVE_PROPERTY = "loraq.apicurio.archive";

    private static final Logger LOG = LoggerFactory.getLogger(ApicurioDistribution.class);
    private static final String BUILD_INFO = "/dev/loraq/stack/apicurio.properties";
    private static final String COMPLETE_MARKER = ".extracted";

    private final Path home;
    private final String version;

    private ApicurioDistribution(Path home, String version) {
        this.home = home;
        this.version = version;
    }

    /**
     * Finds the archive (explicit path, then {@value #ARCHIVE_PROPERTY}, then the path recorded by Maven) and
     * extracts it into {@code cacheDir/apicurio-<version>} unless an earlier run already did.
     */
    public static ApicurioDistribution prepare(Optional<Path> archive, Optional<Path> cacheDir) {
        Properties buildInfo = buildInfo();
        String version = buildInfo.getProperty("apicurio.version");
        Path archivePath = archive
                .or(() -> Optional.ofNullable(System.getProperty(ARCHIVE_PROPERTY)).filter(s -> !s.isBlank()).map(Path::of))
                .orElseGet(() -> recordedArchive(buildInfo, version));
        if (!Files.isRegularFile(archivePath)) {
            throw new IllegalStateException("Apicurio Registry archive not found: " + archivePath
                    + ". Build the module once (./mvnw -pl ops/local-stack -am install -DskipTests) so Maven downloads "
                    + "io.apicurio:apicurio-registry-app:" + version + ":tar.gz:all, or set -D" + ARCHIVE_PROPERTY + "=<path>");
        }
        Path root = cacheDir.orElseGet(ApicurioDistribution::defaultCacheDir);
        Path home = root.resolve("apicurio-" + version);
        extractOnce(archivePath, root, home);
        return new ApicurioDistribution(home, version);
    }

    public Path home() {
        return home;
    }

    public Path runJar() {
        return home.resolve("quarkus-run.jar");
    }

    public String version() {
        return version;
    }

    static Path defaultCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("loraq");
    }

    private static Properties buildInfo() {
        Properties properties = new Properties();
        try (InputStream in = ApicurioDistribution.class.getResourceAsStream(BUILD_INFO)) {
            if (in == null) {
                throw new IllegalStateException("resource " + BUILD_INFO + " missing from the classpath: "
                        + "the loraq-local-stack jar was not built by Maven");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + BUILD_INFO, e);
        }
        String version = properties.getProperty("apicurio.version", "");
        if (version.isBlank() || version.contains("${")) {
            throw new IllegalStateException(BUILD_INFO + " was not filtered by Maven (apicurio.version=" + version + ")");
        }
        return properties;
    }

    private static Path recordedArchive(Properties buildInfo, String version) {
        String recorded = buildInfo.getProperty("apicurio.archive", "");
        if (!recorded.isBlank() && !recorded.contains("${")) {
            return Path.of(recorded);
        }
        // Fallback: the standard layout of the local repository Maven used at build time.
        String repository = buildInfo.getProperty("maven.local.repository", "");
        Path repo = repository.isBlank() || repository.contains("${")
                ? Path.of(System.getProperty("user.home"), ".m2", "repository") : Path.of(repository);
        return repo.resolve(Path.of("io", "apicurio", "apicurio-registry-app", version,
                "apicurio-registry-app-" + version + "-all.tar.gz"));
    }

    private static void extractOnce(Path archive, Path cacheRoot, Path home) {
        if (Files.exists(home.resolve(COMPLETE_MARKER))) {
            return;
        }
        try {
            Files.createDirectories(cacheRoot);
            // Several test JVMs (one per module) may start at once: one extracts, the others wait for it.
            try (FileChannel lockChannel = FileChannel.open(cacheRoot.resolve(home.getFileName() + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock lock = lockChannel.lock();
                try {
                    if (!Files.exists(home.resolve(COMPLETE_MARKER))) {
                        extractUnderLock(archive, cacheRoot, home);
                    }
                } finally {
                    lock.release();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + archive + " into " + home, e);
        }
    }

    private static void extractUnderLock(Path archive, Path cacheRoot, Path home) throws IOException {
        long startNanos = System.nanoTime();
        Path staging = cacheRoot.resolve(home.getFileName() + ".partial-" + ProcessHandle.current().pid());
        DataDirectory.deleteRecursively(staging);
        DataDirectory.deleteRecursively(home);
        Files.createDirectories(staging);
        untar(archive, staging);
        if (!Files.isRegularFile(staging.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException("archive " + archive + " has no quarkus-run.jar at its top level");
        }
        Files.createFile(staging.resolve(COMPLETE_MARKER));
        Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
        LOG.info("apicurio extracted archive={} home={} extractMs={}", archive, home,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
    }

    private static void untar(Path archive, Path target) throws IOException {
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", target.toString())
                .redirectErrorStream(true)
                .start();
        String output;
        try (InputStream in = tar.getInputStream()) {
            output = new String(in.readAllBytes());
        }
        try {
            int exit = tar.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("tar -xzf " + archive + " failed with exit code " + exit + ": " + output.strip());
            }
        } catch (InterruptedException e) {
            tar.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while extracting " + archive, e);
        }
    }
}
