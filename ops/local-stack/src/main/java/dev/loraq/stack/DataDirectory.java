package dev.loraq.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/** A data folder that is either chosen by the user (kept) or temporary (deleted on {@link #release()}). */
final class DataDirectory {

    private final Path path;
    private final boolean temporary;

    private DataDirectory(Path path, boolean temporary) {
        this.path = path;
        this.temporary = temporary;
    }

    static DataDirectory chosenOrTemporary(Optional<Path> chosen, String tempPrefix) {
        try {
            if (chosen.isPresent()) {
                return new DataDirectory(Files.createDirectories(chosen.get().toAbsolutePath()), false);
            }
            // Surefire points java.io.tmpdir at target/tmp, which may not exist yet.
            Path tmpRoot = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
            return new DataDirectory(Files.createTempDirectory(tmpRoot, tempPrefix), true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data folder " + chosen.map(Path::toString).orElse("(temporary)"), e);
        }
    }

    Path path() {
        return path;
    }

    Path resolve(String child) {
        try {
            return Files.createDirectories(path.resolve(child));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create folder " + path.resolve(child), e);
        }
    }

    /** Deletes the folder if it is temporary. */
    void release() {
        if (temporary) {
            deleteRecursively(path);
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (exc instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw exc;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete folder " + root, e);
        }
    }
}
