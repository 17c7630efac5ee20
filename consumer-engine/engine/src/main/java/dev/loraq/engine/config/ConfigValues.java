package dev.loraq.engine.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Parsed, validated values of a {@link ConfigDefinition}, with typed getters. */
public final class ConfigValues {

    private final ConfigDefinition definition;
    private final Map<String, Object> values;

    ConfigValues(ConfigDefinition definition, Map<String, Object> values) {
        this.definition = definition;
        this.values = values;
    }

    public int getInt(String key) {
        return (Integer) require(key, ConfigDefinition.Type.INT);
    }

    public long getLong(String key) {
        return (Long) require(key, ConfigDefinition.Type.LONG);
    }

    public double getDouble(String key) {
        return (Double) require(key, ConfigDefinition.Type.DOUBLE);
    }

    public boolean getBoolean(String key) {
        return (Boolean) require(key, ConfigDefinition.Type.BOOLEAN);
    }

    /** A STRING value, or null when its default is none and it was not set. */
    public String getString(String key) {
        return (String) get(key, ConfigDefinition.Type.STRING);
    }

    @SuppressWarnings("unchecked")
    public List<String> getList(String key) {
        Object v = get(key, ConfigDefinition.Type.LIST);
        return v == null ? List.of() : (List<String>) v;
    }

    /** A PATH value, empty when its default is none and it was not set. */
    public Optional<Path> getPath(String key) {
        return Optional.ofNullable((Path) get(key, ConfigDefinition.Type.PATH));
    }

    /** Every key with its value (null for "none"), for logging the effective configuration. */
    public Map<String, Object> asMap() {
        LinkedHashMap<String, Object> out = new LinkedHashMap<>();
        for (ConfigDefinition.Key k : definition.keys()) {
            out.put(k.key(), values.get(k.key()));
        }
        return Collections.unmodifiableMap(out);
    }

    private Object require(String key, ConfigDefinition.Type type) {
        Object v = get(key, type);
        if (v == null) {
            throw new ConfigException(key, "configuration '" + key + "' has no value");
        }
        return v;
    }

    private Object get(String key, ConfigDefinition.Type type) {
        ConfigDefinition.Key def = definition.key(key);
        if (def == null) {
            throw new IllegalArgumentException("configuration key '" + key + "' is not defined");
        }
        if (def.type() != type) {
            throw new IllegalArgumentException("configuration key '" + key + "' is " + def.type() + ", not " + type);
        }
        return values.get(key);
    }

    @Override
    public String toString() {
        return asMap().toString();
    }
}
