package dev.loraq.engine.config;

import java.util.Collection;
import java.util.List;

/** Checks a parsed configuration value; {@link #describe()} is shown as the "valid values" in help text. */
public interface Validator {

    /**
     * @param key the key, for the message
     * @param value the parsed value (never null: null defaults skip validation)
     * @throws ConfigException naming the key and value when invalid
     */
    void ensureValid(String key, Object value);

    /** The valid values in words, e.g. "[1, 1024]" or "bf16, int8". */
    String describe();

    /** Accepts everything. */
    Validator ANY = new Validator() {
        @Override
        public void ensureValid(String key, Object value) {
        }

        @Override
        public String describe() {
            return "";
        }
    };

    /** A number in [min, max]; either bound may be null for "unbounded". */
    static Validator range(Number min, Number max) {
        return new Validator() {
            @Override
            public void ensureValid(String key, Object value) {
                double v = ((Number) value).doubleValue();
                if ((min != null && v < min.doubleValue()) || (max != null && v > max.doubleValue())) {
                    throw new ConfigException(key, "invalid value '" + value + "' for configuration '" + key
                            + "': must be in " + describe());
                }
            }

            @Override
            public String describe() {
                return "[" + (min == null ? "..." : min) + ", " + (max == null ? "..." : max) + "]";
            }
        };
    }

    /** A number &gt;= min. */
    static Validator atLeast(Number min) {
        return range(min, null);
    }

    /** One of the given strings (case-sensitive). */
    static Validator oneOf(String... allowed) {
        List<String> values = List.of(allowed);
        return new Validator() {
            @Override
            public void ensureValid(String key, Object value) {
                if (!values.contains(String.valueOf(value))) {
                    throw new ConfigException(key, "invalid value '" + value + "' for configuration '" + key
                            + "': must be one of " + describe());
                }
            }

            @Override
            public String describe() {
                return String.join(", ", values);
            }
        };
    }

    /** A non-empty string, list or path. */
    static Validator nonEmpty() {
        return new Validator() {
            @Override
            public void ensureValid(String key, Object value) {
                boolean empty = value instanceof Collection<?> c ? c.isEmpty() : String.valueOf(value).isBlank();
                if (empty) {
                    throw new ConfigException(key, "invalid value '" + value + "' for configuration '" + key
                            + "': must not be empty");
                }
            }

            @Override
            public String describe() {
                return "non-empty";
            }
        };
    }
}
