package dev.loraq.engine.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys one component accepts, in Kafka's ConfigDef way (key, type, default, validator, doc) without depending
 * on Kafka. Parsing rejects unknown keys and invalid values with a {@link ConfigException} naming the key and
 * value; {@link #toHelpText()} and {@link #toMarkdownTable()} document every key.
 *
 * <p>Each key also has an environment variable: {@code LORAQ_} + the key upper-cased with '-' and '.' turned into
 * '_' ({@code max.loras} = {@code LORAQ_MAX_LORAS}). Explicit properties win over the environment. Environment
 * variables that do not map to a key of this definition are ignored, since other components share the prefix.
 *
 * <p>A renamed key keeps its former spelling for one release ({@link #formerly}): parsing accepts it, logs one
 * warning naming the current key, and refuses a map that sets both.
 */
public final class ConfigDefinition {

    /** The value types. Strings are parsed into them; values of the right Java type are taken as they are. */
    public enum Type {
        INT, LONG, DOUBLE, BOOLEAN, STRING, LIST, PATH;

        String displayName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Marks a key as required: it has no default. */
    public static final Object NO_DEFAULT = new Object() {
        @Override
        public String toString() {
            return "(required)";
        }
    };

    /** The environment variable prefix. */
    public static final String ENV_PREFIX = "LORAQ_";

    /**
     * One key.
     *
     * @param key the key
     * @param type its type
     * @param defaultValue the parsed default, null for "none", or {@link #NO_DEFAULT}
     * @param validator checks non-null values
     * @param doc what it means, for help text
     */
    public record Key(String key, Type type, Object defaultValue, Validator validator, String doc) {

        public boolean required() {
            return defaultValue == NO_DEFAULT;
        }

        /** The environment variable that sets this key. */
        public String envVar() {
            return envVarName(key);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ConfigDefinition.class);
    /** Former spellings warned about in this JVM: one line each, however often configuration is parsed. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private final Map<String, Key> keys = new LinkedHashMap<>();
    private final Map<String, String> currentByFormer = new LinkedHashMap<>();
    private final Map<String, String> peerFlags = new LinkedHashMap<>();

    /**
     * Adds a key.
     *
     * @param defaultValue a value of the type (or a string to parse), null for "none", or {@link #NO_DEFAULT}
     * @throws IllegalArgumentException for a duplicate key or a default that does not parse or validate
     */
    public ConfigDefinition define(String key, Type type, Object defaultValue, Validator validator, String doc) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        if (keys.containsKey(key)) {
            throw new IllegalArgumentException("configuration key '" + key + "' defined twice");
        }
        Validator v = validator == null ? Validator.ANY : validator;
        Object parsedDefault = defaultValue;
        if (defaultValue != null && defaultValue != NO_DEFAULT) {
            try {
                parsedDefault = parseValue(key, type, defaultValue);
                v.ensureValid(key, parsedDefault);
            } catch (ConfigException e) {
                throw new IllegalArgumentException("bad default for '" + key + "': " + e.getMessage(), e);
            }
        }
        keys.put(key, new Key(key, type, parsedDefault, v, doc == null ? "" : doc));
        return this;
    }

    /** Same as {@link #define(String, Type, Object, Validator, String)} without a validator. */
    public ConfigDefinition define(String key, Type type, Object defaultValue, String doc) {
        return define(key, type, defaultValue, null, doc);
    }

    /**
     * Accepts {@code formerKey}, the spelling {@code key} had before, until the release named in the warning.
     *
     * @throws IllegalArgumentException when {@code key} is not defined or the former spelling is taken
     */
    public ConfigDefinition formerly(String key, String formerKey) {
        if (!keys.containsKey(key) || keys.containsKey(formerKey) || currentByFormer.containsKey(formerKey)) {
            throw new IllegalArgumentException("cannot rename '" + formerKey + "' to '" + key + "'");
        }
        currentByFormer.put(formerKey, key);
        return this;
    }

    /**
     * Records the command-line flag of a well-known peer (vLLM's {@code --max-loras}) that means the same as
     * {@code key}, so the reference can show the mapping.
     */
    public ConfigDefinition peerFlag(String key, String flag) {
        if (!keys.containsKey(key)) {
            throw new IllegalArgumentException("configuration key '" + key + "' is not defined");
        }
        peerFlags.put(key, flag);
        return this;
    }

    /** Former spelling to current key, in definition order. */
    public Map<String, String> formerSpellings() {
        return Map.copyOf(currentByFormer);
    }

    /**
     * The same settings with former spellings replaced by the current keys (each logged once per JVM); other keys,
     * known or not, are kept as they are.
     *
     * @throws ConfigException when a map sets a key under both spellings
     */
    public <V> Map<String, V> withCurrentKeys(Map<String, V> props) {
        if (currentByFormer.isEmpty() || props.keySet().stream().noneMatch(currentByFormer::containsKey)) {
            return props;
        }
        Map<String, V> out = new LinkedHashMap<>();
        for (Map.Entry<String, V> e : props.entrySet()) {
            String current = currentByFormer.get(e.getKey());
            if (current == null) {
                out.putIfAbsent(e.getKey(), e.getValue());
                continue;
            }
            if (props.containsKey(current)) {
                throw new ConfigException(current, "configuration key '" + current + "' is set twice: as '" + current
                        + "' and as its former spelling '" + e.getKey() + "'; keep only '" + current + "'");
            }
            if (WARNED.add(e.getKey())) {
                LOG.warn("configuration key renamed key={} use={} reason=the former spelling is accepted until loraq 0.2",
                        e.getKey(), current);
            }
            out.put(current, e.getValue());
        }
        return out;
    }

    /** The keys in definition order. */
    public List<Key> keys() {
        return List.copyOf(keys.values());
    }

    /** The key definition, or null. */
    public Key key(String key) {
        return keys.get(key);
    }

    /**
     * Parses properties (strings or typed values).
     *
     * @throws ConfigException for an unknown key, a missing required key or a bad value, naming the key and value
     */
    public ConfigValues parse(Map<String, ?> given) {
        Map<String, ?> props = withCurrentKeys(given);
        for (String k : new TreeSet<>(props.keySet())) {
            if (!keys.containsKey(k)) {
                throw new ConfigException(k, "unknown configuration key '" + k + "'" + suggestion(k)
                        + "; known keys: " + String.join(", ", keys.keySet()));
            }
        }
        Map<String, Object> values = new HashMap<>();
        for (Key def : keys.values()) {
            Object raw = props.get(def.key());
            Object value;
            if (raw == null) {
                if (def.required()) {
                    throw new ConfigException(def.key(), "missing required configuration '" + def.key()
                            + "' (environment variable " + def.envVar() + "): " + def.doc());
                }
                value = def.defaultValue();
            } else {
                value = parseValue(def.key(), def.type(), raw);
            }
            if (value != null) {
                def.validator().ensureValid(def.key(), value);
            }
            values.put(def.key(), value);
        }
        return new ConfigValues(this, values);
    }

    /** Parses the environment's {@code LORAQ_*} variables overlaid by explicit properties. */
    public ConfigValues parse(Map<String, ?> props, Map<String, String> env) {
        Map<String, Object> merged = new HashMap<>(fromEnvironment(env));
        merged.putAll(withCurrentKeys(props));
        return parse(merged);
    }

    /** The properties the environment sets: for each key whose variable is present, key to variable value. */
    public Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Key def : keys.values()) {
            String v = env.get(def.envVar());
            if (v != null) {
                out.put(def.key(), v);
            }
        }
        return out;
    }

    /** {@code max.loras} = {@code LORAQ_MAX_LORAS}. */
    public static String envVarName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
    }

    /** Plain-text reference of every key, for {@code --help}. */
    public String toHelpText() {
        StringBuilder b = new StringBuilder();
        for (Key def : keys.values()) {
            b.append(def.key()).append(" (env ").append(def.envVar()).append(")\n");
            b.append("    ").append(def.doc()).append(aliases(def.key())).append('\n');
            b.append("    type: ").append(def.type().displayName())
                    .append(", default: ").append(displayDefault(def));
            String valid = def.validator().describe();
            if (!valid.isEmpty()) {
                b.append(", valid values: ").append(valid);
            }
            b.append("\n\n");
        }
        return b.toString();
    }

    /** A Markdown table of every key, for the README's configuration reference. */
    public String toMarkdownTable() {
        StringBuilder b = new StringBuilder();
        b.append("| Key | Environment variable | Type | Default | Valid values | Description |\n");
        b.append("|---|---|---|---|---|---|\n");
        for (Key def : keys.values()) {
            b.append("| `").append(def.key()).append("` | `").append(def.envVar()).append("` | ")
                    .append(def.type().displayName()).append(" | ")
                    .append(cell(displayDefault(def))).append(" | ")
                    .append(cell(def.validator().describe())).append(" | ")
                    .append(cell(def.doc() + aliases(def.key()))).append(" |\n");
        }
        return b.toString();
    }

    static Object parseValue(String key, Type type, Object raw) {
        try {
            return switch (type) {
                case INT -> {
                    if (raw instanceof Integer i) {
                        yield i;
                    }
                    if (raw instanceof Long || raw instanceof Short || raw instanceof Byte) {
                        yield Math.toIntExact(((Number) raw).longValue());
                    }
                    yield Integer.parseInt(requireString(key, type, raw).trim());
                }
                case LONG -> {
                    if (raw instanceof Long || raw instanceof Integer || raw instanceof Short || raw instanceof Byte) {
                        yield ((Number) raw).longValue();
                    }
                    yield Long.parseLong(requireString(key, type, raw).trim());
                }
                case DOUBLE -> {
                    if (raw instanceof Number n) {
                        yield n.doubleValue();
                    }
                    double d = Double.parseDouble(requireString(key, type, raw).trim());
                    if (!Double.isFinite(d)) {
                        throw bad(key, type, raw);
                    }
                    yield d;
                }
                case BOOLEAN -> {
                    if (raw instanceof Boolean b) {
                        yield b;
                    }
                    String s = requireString(key, type, raw).trim().toLowerCase(Locale.ROOT);
                    if (!s.equals("true") && !s.equals("false")) {
                        throw bad(key, type, raw);
                    }
                    yield Boolean.parseBoolean(s);
                }
                case STRING -> requireString(key, type, raw).trim();
                case LIST -> {
                    if (raw instanceof Collection<?> c) {
                        List<String> out = new ArrayList<>();
                        for (Object o : c) {
                            out.add(String.valueOf(o).trim());
                        }
                        yield List.copyOf(out);
                    }
                    String s = requireString(key, type, raw).trim();
                    List<String> out = new ArrayList<>();
                    if (!s.isEmpty()) {
                        for (String part : s.split(",", -1)) {
                            out.add(part.trim());
                        }
                    }
                    yield List.copyOf(out);
                }
                case PATH -> {
                    if (raw instanceof Path p) {
                        yield p;
                    }
                    String s = requireString(key, type, raw).trim();
                    if (s.isEmpty()) {
                        throw bad(key, type, raw);
                    }
                    yield Path.of(s);
                }
            };
        } catch (NumberFormatException | ArithmeticException | InvalidPathException e) {
            throw bad(key, type, raw);
        }
    }

    private static String requireString(String key, Type type, Object raw) {
        if (raw instanceof String s) {
            return s;
        }
        throw bad(key, type, raw);
    }

    private static ConfigException bad(String key, Type type, Object raw) {
        return new ConfigException(key, "invalid value '" + raw + "' for configuration '" + key + "': expected "
                + switch (type) {
                    case INT -> "an int";
                    case LONG -> "a long";
                    case DOUBLE -> "a finite number";
                    case BOOLEAN -> "true or false";
                    case STRING -> "a string";
                    case LIST -> "a comma-separated list";
                    case PATH -> "a non-empty path";
                });
    }

    private static String displayDefault(Key def) {
        Object d = def.defaultValue();
        if (d == NO_DEFAULT) {
            return "(required)";
        }
        if (d == null) {
            return "none";
        }
        if (d instanceof List<?> l) {
            return String.join(",", l.stream().map(String::valueOf).toList());
        }
        return String.valueOf(d);
    }

    /** " (vLLM --max-loras; formerly max-loras)", or nothing. */
    private String aliases(String key) {
        List<String> names = new ArrayList<>();
        String flag = peerFlags.get(key);
        if (flag != null) {
            names.add("vLLM " + flag);
        }
        currentByFormer.forEach((former, current) -> {
            if (current.equals(key)) {
                names.add("formerly " + former + ", accepted until 0.2");
            }
        });
        return names.isEmpty() ? "" : " (" + String.join("; ", names) + ")";
    }

    private String suggestion(String unknown) {
        String normalized = unknown.toLowerCase(Locale.ROOT).replace('_', '.').replace('-', '.');
        if (keys.containsKey(normalized)) {
            return " (did you mean '" + normalized + "'?)";
        }
        return "";
    }

    private static String cell(String text) {
        return text.isEmpty() ? " " : text.replace("|", "\\|").replace("\n", " ");
    }
}
