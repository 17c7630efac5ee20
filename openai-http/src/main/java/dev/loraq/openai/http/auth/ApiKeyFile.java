package dev.loraq.openai.http.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The API keys, hashed at rest: one line per key, {@code SHA256-HEX TENANT [admin]}, blank lines and {@code #}
 * comments ignored. Checked for changes at most every {@code reloadMs} (on a lookup) and re-read when its
 * modification time or size changed, so keys are added and revoked without a restart; a file that no longer parses
 * keeps the keys read before (logged once per change) while one that is bad at start fails the start.
 */
public final class ApiKeyFile {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyFile.class);

    /** The tenant id rule of the schemas contract (dev.loraq.schemas.contract.TenantId), mirrored: no Kafka here. */
    static final Pattern TENANT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,99}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    private final Path file;
    private final long reloadNanos;
    private volatile Map<String, Caller> byHash;
    private volatile long checkedAt;
    private FileTime modified;
    private long size;

    /**
     * Reads the file now.
     *
     * @throws IllegalArgumentException naming the file and line when it cannot be read or parsed
     */
    public ApiKeyFile(Path file, long reloadMs) {
        this.file = file.toAbsolutePath();
        this.reloadNanos = reloadMs * 1_000_000L;
        try {
            this.modified = Files.getLastModifiedTime(this.file);
            this.size = Files.size(this.file);
            this.byHash = parse(this.file, Files.readAllLines(this.file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read API keys file " + this.file + ": " + e, e);
        }
        this.checkedAt = System.nanoTime();
        log.info("api keys loaded file={} keys={}", this.file, byHash.size());
    }

    /** The caller a presented key stands for, if it is in the file now. */
    public Optional<Caller> lookup(String key) {
        reloadIfChanged();
        return Optional.ofNullable(byHash.get(sha256Hex(key)));
    }

    /** The SHA-256 of a key, lower-case hex: what a line of the file holds. */
    public static String sha256Hex(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private void reloadIfChanged() {
        long now = System.nanoTime();
        if (now - checkedAt < reloadNanos) {
            return;
        }
        synchronized (this) {
            if (now - checkedAt < reloadNanos) {
                return;
            }
            checkedAt = now;
            try {
                FileTime m = Files.getLastModifiedTime(file);
                long s = Files.size(file);
                if (m.equals(modified) && s == size) {
                    return;
                }
                modified = m;
                size = s;
                byHash = parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
                log.info("api keys reloaded file={} keys={}", file, byHash.size());
            } catch (IOException | IllegalArgumentException e) {
                log.warn("api keys not reloaded file={} reason={}; the keys read before stay", file, e.getMessage());
            }
        }
    }

    static Map<String, Caller> parse(Path file, List<String> lines) {
        Map<String, Caller> keys = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String content = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (content.isEmpty()) {
                continue;
            }
            String[] fields = content.split("\\s+");
            String where = file + " line " + (i + 1);
            if (fields.length < 2 || fields.length > 3) {
                throw new IllegalArgumentException(where + ": expected 'SHA256-HEX TENANT [admin]', got "
                        + fields.length + " fields");
            }
            if (!SHA256_HEX.matcher(fields[0]).matches()) {
                throw new IllegalArgumentException(where + ": the first field must be the key's SHA-256 in hex (64 "
                        + "characters 0-9 a-f), never the key itself");
            }
            if (!TENANT_ID.matcher(fields[1]).matches()) {
                throw new IllegalArgumentException(where + ": invalid tenant id '" + fields[1]
                        + "' (1-100 characters of A-Z a-z 0-9 _ -, starting with a letter or digit)");
            }
            if (fields.length == 3 && !fields[2].equals("admin")) {
                throw new IllegalArgumentException(where + ": the third field may only be 'admin', got '" + fields[2] + "'");
            }
            Caller caller = new Caller(fields[1], fields.length == 3, false);
            if (keys.put(fields[0].toLowerCase(Locale.ROOT), caller) != null) {
                throw new IllegalArgumentException(where + ": the same key is listed twice");
            }
        }
        return Map.copyOf(keys);
    }
}
