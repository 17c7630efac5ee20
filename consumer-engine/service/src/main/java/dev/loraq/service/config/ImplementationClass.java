package dev.loraq.service.config;

import java.lang.reflect.Modifier;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Validates a {@code CLASS} setting naming a plug-in: a public, concrete class implementing the plug-in's interface,
 * with a public no-argument constructor, so that it can be made at start. ConfigDef itself refuses a class that
 * cannot be found.
 */
public final class ImplementationClass implements ConfigDef.Validator {

    private final Class<?> type;

    public ImplementationClass(Class<?> type) {
        this.type = type;
    }

    @Override
    public void ensureValid(String name, Object value) {
        if (!(value instanceof Class<?> c)) {
            throw new ConfigException(name, value, "must name a class implementing " + type.getName());
        }
        if (!type.isAssignableFrom(c)) {
            throw new ConfigException(name, c.getName(), "does not implement " + type.getName());
        }
        if (c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
            throw new ConfigException(name, c.getName(), "is abstract: name a concrete class implementing " + type.getName());
        }
        if (!Modifier.isPublic(c.getModifiers())) {
            throw new ConfigException(name, c.getName(), "is not public");
        }
        try {
            c.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new ConfigException(name, c.getName(), "has no public no-argument constructor");
        }
    }

    @Override
    public String toString() {
        return "a public class implementing " + type.getName() + ", with a public no-argument constructor";
    }
}
