package dev.loraq.service.consumer;

import dev.loraq.schemas.registry.CompatibilityLevel;
import dev.loraq.schemas.registry.CompatibilityResult;
import dev.loraq.schemas.registry.RegisteredSchema;
import dev.loraq.schemas.registry.SchemaNotFoundException;
import dev.loraq.schemas.registry.SchemaRegistryClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;

/** A schema registry in memory, for the serdes of the unit tests that run without a registry process. */
final class InMemorySchemaRegistry implements SchemaRegistryClient {

    private final List<Schema> byId = new ArrayList<>();
    private final Map<String, List<Integer>> idsBySubject = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        int id = byId.indexOf(schema);
        if (id < 0) {
            byId.add(schema);
            id = byId.size() - 1;
        }
        List<Integer> versions = idsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    @Override
    public synchronized Schema getById(int id) {
        if (id < 0 || id >= byId.size()) {
            throw new SchemaNotFoundException("no schema with id " + id, 40403);
        }
        return byId.get(id);
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> versions = idsBySubject.get(subject);
        if (versions == null) {
            throw new SchemaNotFoundException("no subject " + subject, 40401);
        }
        int id = versions.getLast();
        return new RegisteredSchema(subject, versions.size(), id, byId.get(id));
    }

    @Override
    public synchronized RegisteredSchema lookup(String subject, Schema schema) {
        List<Integer> versions = idsBySubject.getOrDefault(subject, List.of());
        int id = byId.indexOf(schema);
        if (id < 0 || !versions.contains(id)) {
            throw new SchemaNotFoundException("subject " + subject + " has no such schema", 40403);
        }
        return new RegisteredSchema(subject, versions.indexOf(id) + 1, id, schema);
    }

    @Override
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        throw new UnsupportedOperationException("the serdes never test compatibility");
    }

    @Override
    public CompatibilityLevel getCompatibility(String subject) {
        throw new UnsupportedOperationException("the serdes never read compatibility rules");
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        throw new UnsupportedOperationException("the serdes never set compatibility rules");
    }

    @Override
    public void close() {
    }
}
