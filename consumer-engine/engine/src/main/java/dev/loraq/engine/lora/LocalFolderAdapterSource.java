package dev.loraq.engine.lora;

import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapters stored as folders under one root: {@code root/<adapter id>/adapter_config.json} and
 * {@code adapter_model.safetensors}, the layout PEFT's {@code save_pretrained} writes.
 *
 * <p>{@link AdapterId} already rules out separators and dot names; as defence in depth the resolved folder must
 * stay under the root both lexically and after following symbolic links (a link inside the root to another place
 * inside the root is fine; one that leads out is refused), and so must the weights file.
 * Pickle weights ({@code adapter_model.bin}) are never loaded: they can run code.
 */
public final class LocalFolderAdapterSource implements AdapterSource {

    private static final Logger LOG = LoggerFactory.getLogger(LocalFolderAdapterSource.class);

    /** The weights file name PEFT writes. */
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";
    /** PEFT's pickle weights, refused. */
    public static final String PICKLE_WEIGHTS_FILE = "adapter_model.bin";

    private final Path root;
    private final Path realRoot;

    /**
     * @param root an existing folder
     * @throws IllegalArgumentException when it is not a folder
     */
    public LocalFolderAdapterSource(Path root) {
        this.root = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(this.root)) {
            throw new IllegalArgumentException("adapters folder does not exist or is not a folder: " + this.root);
        }
        try {
            this.realRoot = this.root.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot resolve adapters folder " + this.root + ": " + e.getMessage(),
                    e);
        }
    }

    /** The root folder (absolute, normalized). */
    public Path root() {
        return root;
    }

    @Override
    public AdapterFiles locate(AdapterId id) {
        return locateIn(id, folderOf(id), realRoot);
    }

    /**
     * Locates the adapter {@code id} stored in {@code dir}, whose folder and weights file must resolve, links
     * followed, under {@code realRoot} (a real path).
     *
     * @throws InvalidRequestException as {@link AdapterSource#locate} does
     */
    static AdapterFiles locateIn(AdapterId id, Path dir, Path realRoot) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new InvalidRequestException(ErrorCode.UNKNOWN_ADAPTER,
                    "unknown adapter '" + id + "': no folder " + dir);
        }
        Path realDir = realPathUnderRoot(id, dir, realRoot);
        if (!Files.isDirectory(realDir)) {
            throw new InvalidRequestException(ErrorCode.UNKNOWN_ADAPTER,
                    "unknown adapter '" + id + "': " + dir + " is not a folder");
        }
        Path weights = dir.resolve(WEIGHTS_FILE);
        if (!Files.exists(weights)) {
            if (Files.exists(dir.resolve(PICKLE_WEIGHTS_FILE))) {
                throw new InvalidRequestException(ErrorCode.UNSUPPORTED_ADAPTER_FORMAT, "adapter '" + id + "' has only "
                        + dir.resolve(PICKLE_WEIGHTS_FILE) + " (PyTorch pickle, not loaded because it can run code); "
                        + "convert it to " + WEIGHTS_FILE + ", e.g. load it with PEFT and call "
                        + "save_pretrained(dir, safe_serialization=True)");
            }
            throw new InvalidRequestException(ErrorCode.ADAPTER_LOAD_FAILED,
                    "adapter '" + id + "': weights file " + weights + " is missing");
        }
        realPathUnderRoot(id, weights, realRoot);
        if (!Files.isRegularFile(weights)) {
            throw new InvalidRequestException(ErrorCode.ADAPTER_LOAD_FAILED,
                    "adapter '" + id + "': " + weights + " is not a regular file");
        }
        AdapterConfig config = AdapterConfigReader.read(dir);
        return new AdapterFiles(id, dir, config, weights);
    }

    @Override
    public boolean exists(AdapterId id) {
        Path dir = folderOf(id);
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try {
            Path real = dir.toRealPath();
            if (!real.startsWith(realRoot)) {
                // The tenant is told only that the adapter is unknown; the operator learns why here.
                LOG.warn("adapter refused adapter={} folder={} reason=symbolic link leads outside the adapters folder {} (to {})",
                        id, dir, realRoot, real);
                return false;
            }
            return Files.isRegularFile(dir.resolve(AdapterConfigReader.FILE_NAME));
        } catch (IOException e) {
            LOG.warn("adapter refused adapter={} folder={} reason=cannot resolve: {}", id, dir, e.toString());
            return false;
        }
    }

    /** The ids of the sub-folders that are valid adapter ids and hold an adapter (as {@link #exists}), sorted. */
    @Override
    public List<AdapterId> list() {
        List<AdapterId> ids = new ArrayList<>();
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(root)) {
            for (Path folder : folders) {
                String name = folder.getFileName().toString();
                if (AdapterId.isValid(name) && exists(AdapterId.of(name))) {
                    ids.add(AdapterId.of(name));
                }
            }
        } catch (IOException e) {
            LOG.warn("adapters folder not listed folder={} reason={}", root, e.toString());
        }
        ids.sort(Comparator.comparing(AdapterId::value));
        return ids;
    }

    /** The root folder with links followed. */
    public Path realRoot() {
        return realRoot;
    }

    private Path folderOf(AdapterId id) {
        Path dir = root.resolve(id.value()).normalize();
        if (!dir.startsWith(root) || dir.equals(root) || !dir.getParent().equals(root)) {
            // unreachable with a valid AdapterId; kept so that a future change to the id rules cannot open a hole
            throw new InvalidRequestException(ErrorCode.INVALID_ADAPTER_ID,
                    "invalid adapter id '" + id + "': resolves outside the adapters folder");
        }
        return dir;
    }

    private static Path realPathUnderRoot(AdapterId id, Path path, Path realRoot) {
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            throw new InvalidRequestException(ErrorCode.ADAPTER_LOAD_FAILED,
                    "adapter '" + id + "': cannot resolve " + path + ": " + e.getMessage(), e);
        }
        if (!real.startsWith(realRoot)) {
            throw new InvalidRequestException(ErrorCode.ADAPTER_LOAD_FAILED, "adapter '" + id + "': " + path
                    + " is a symbolic link leading outside the adapters folder " + realRoot + " (to " + real + ")");
        }
        return real;
    }
}
