package dev.loraq.online.adapters;

import dev.loraq.openai.http.ApiError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where load_lora_adapter may read adapters from: {@code lora_path} must name a folder inside one of the allowed
 * roots, both as written and with every symbolic link followed, so neither {@code ..} nor a link can lead out.
 * A relative path is taken from the first root.
 */
public final class AdapterPaths {

    private record Root(Path path, Path real) { }

    private final List<Root> roots = new ArrayList<>();

    /**
     * @throws IllegalArgumentException when a root does not exist
     */
    public AdapterPaths(List<Path> allowedRoots) {
        for (Path p : allowedRoots) {
            Path abs = p.toAbsolutePath().normalize();
            try {
                roots.add(new Root(abs, abs.toRealPath()));
            } catch (IOException e) {
                throw new IllegalArgumentException("adapter root " + abs + " cannot be resolved: " + e.getMessage(), e);
            }
        }
    }

    /** Whether any root is allowed (none: load_lora_adapter is refused). */
    public boolean any() {
        return !roots.isEmpty();
    }

    /**
     * The real folder {@code loraPath} names.
     *
     * @throws ApiError 400 on lora_path when it is outside every root, leads out by a link, or is no folder
     */
    public Path resolve(String loraPath) {
        if (roots.isEmpty()) {
            throw ApiError.badRequest("lora_path", "no adapter roots are configured (online.adapter.roots or "
                    + "adapters.dir): adapters cannot be loaded at run time");
        }
        Path given;
        try {
            given = Path.of(loraPath);
        } catch (InvalidPathException e) {
            throw ApiError.badRequest("lora_path", "lora_path is not a valid path: " + e.getMessage());
        }
        Path abs = (given.isAbsolute() ? given : roots.getFirst().path().resolve(given)).normalize();
        for (Root root : roots) {
            if (!abs.startsWith(root.path()) || abs.equals(root.path())) {
                continue;
            }
            Path real;
            try {
                real = abs.toRealPath();
            } catch (IOException e) {
                throw ApiError.badRequest("lora_path", "lora_path " + abs + " does not exist");
            }
            if (!real.startsWith(root.real())) {
                throw ApiError.badRequest("lora_path", "lora_path " + abs
                        + " leads outside the adapter root " + root.path() + " through a symbolic link");
            }
            if (!Files.isDirectory(real)) {
                throw ApiError.badRequest("lora_path", "lora_path " + abs + " is not a folder");
            }
            return real;
        }
        throw ApiError.badRequest("lora_path", "lora_path " + abs + " is not inside an allowed adapter root "
                + roots.stream().map(r -> r.path().toString()).toList() + " (online.adapter.roots)");
    }
}
