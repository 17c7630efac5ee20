package dev.loraq.engine.lora;

import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The adapters an engine serves: those of its configured source ({@code adapters.dir}), plus adapters registered at
 * run time under a name from any folder, minus names unregistered. A registered name shadows a folder of the same
 * name in the configured source. One folder is served under one name only: registering a folder already registered
 * (or already served by the configured source) under another name is refused, so two names never hold two copies
 * of the same weights. Thread-safe: registrations come from callers' threads, lookups from the loader thread.
 */
public final class AdapterRegistry implements AdapterSource {

    private record Registration(Path folder, Path realFolder) { }

    private final AdapterSource configured;
    private final Path configuredRealRoot;
    private final Map<String, Registration> registered = new ConcurrentHashMap<>();
    /** Names of the configured source that were unregistered: unknown until registered again. */
    private final Set<String> hidden = ConcurrentHashMap.newKeySet();

    /**
     * @param configured the configured source, or null for none
     */
    public AdapterRegistry(AdapterSource configured) {
        this.configured = configured;
        this.configuredRealRoot = configured instanceof LocalFolderAdapterSource local ? local.realRoot() : null;
    }

    /** Whether an adapters.dir (or another configured source) backs this registry. */
    public boolean hasConfiguredSource() {
        return configured != null;
    }

    /**
     * Serves the adapter in {@code folder} under {@code id} from now on, replacing what the name served before.
     * The folder must hold a readable adapter (its files are located and checked here; links must stay inside it).
     *
     * @return the adapter's files as located now
     * @throws InvalidRequestException naming the folder when it holds no valid adapter or is already served under
     *         another name
     */
    public synchronized AdapterFiles register(AdapterId id, Path folder) {
        AdapterFiles files = check(id, folder);
        registered.put(id.value(), new Registration(files.directory(), realFolder(id, files.directory())));
        hidden.remove(id.value());
        return files;
    }

    /**
     * What {@link #register} would serve, without registering it.
     *
     * @throws InvalidRequestException as {@link #register} does
     */
    public synchronized AdapterFiles check(AdapterId id, Path folder) {
        Path dir = folder.toAbsolutePath().normalize();
        Path real = realFolder(id, dir);
        AdapterFiles files = LocalFolderAdapterSource.locateIn(id, dir, real);
        String other = nameServing(real);
        if (other != null && !other.equals(id.value())) {
            throw new InvalidRequestException(ErrorCode.ADAPTER_LOAD_FAILED, "adapter '" + id + "': folder " + dir
                    + " is already served as adapter '" + other + "'; one folder is served under one name only");
        }
        return files;
    }

    private static Path realFolder(AdapterId id, Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            throw new InvalidRequestException(ErrorCode.UNKNOWN_ADAPTER,
                    "adapter '" + id + "': cannot resolve folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Stops serving {@code id}, registered or from the configured source.
     *
     * @return whether the name was served
     */
    public synchronized boolean unregister(AdapterId id) {
        boolean was = registered.remove(id.value()) != null;
        if (configured != null && !hidden.contains(id.value()) && configured.exists(id)) {
            hidden.add(id.value());
            was = true;
        }
        return was;
    }

    @Override
    public AdapterFiles locate(AdapterId id) {
        Registration r = registered.get(id.value());
        if (r != null) {
            return LocalFolderAdapterSource.locateIn(id, r.folder(), r.realFolder());
        }
        if (configured == null || hidden.contains(id.value())) {
            throw new InvalidRequestException(ErrorCode.UNKNOWN_ADAPTER, "unknown adapter '" + id + "'"
                    + (configured == null ? ": this engine has no adapters.dir" : ": unloaded"));
        }
        return configured.locate(id);
    }

    @Override
    public boolean exists(AdapterId id) {
        if (registered.containsKey(id.value())) {
            return true;
        }
        return configured != null && !hidden.contains(id.value()) && configured.exists(id);
    }

    @Override
    public List<AdapterId> list() {
        Set<String> names = new TreeSet<>(registered.keySet());
        if (configured != null) {
            for (AdapterId id : configured.list()) {
                if (!hidden.contains(id.value())) {
                    names.add(id.value());
                }
            }
        }
        List<AdapterId> ids = new ArrayList<>();
        names.forEach(n -> ids.add(AdapterId.of(n)));
        ids.sort(Comparator.comparing(AdapterId::value));
        return ids;
    }

    /** The name that serves the folder {@code real} now, or null. */
    private String nameServing(Path real) {
        for (Map.Entry<String, Registration> e : registered.entrySet()) {
            if (e.getValue().realFolder().equals(real)) {
                return e.getKey();
            }
        }
        if (configuredRealRoot != null && real.getParent() != null && real.getParent().equals(configuredRealRoot)) {
            String name = real.getFileName().toString();
            if (AdapterId.isValid(name) && !hidden.contains(name) && !registered.containsKey(name)) {
                return name;
            }
        }
        return null;
    }
}
