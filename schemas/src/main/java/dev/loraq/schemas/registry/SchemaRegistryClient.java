package dev.loraq.schemas.registry;

import java.io.Closeable;
import org.apache.avro.Schema;

/**
 * The parts of the Confluent schema registry API that loraq uses. Implementations cache immutable answers (schema by id,
 * id by subject and schema), so that after first use of a schema the serdes make no registry call.
 * All failures are {@link org.apache.kafka.common.errors.SerializationException}s: see the exception classes of this package.
 */
public interface SchemaRegistryClient extends Closeable {

    /** Registers the schema under the subject (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with this global id. */
    Schema getById(int id);

    /** The subject's latest version. Not cached: the answer changes when a version is added. */
    RegisteredSchema latest(String subject);

    /** The version of the subject that has exactly this schema; {@link SchemaNotFoundException} if none. */
    RegisteredSchema lookup(String subject, Schema schema);

    /** Whether the schema could be registered as the subject's next version. */
    CompatibilityResult testCompatibility(String subject, Schema schema);

    /** The compatibility rule applying to the subject (its own, else the global one). */
    CompatibilityLevel getCompatibility(String subject);

    /** Sets the subject's own compatibility rule. */
    void setCompatibility(String subject, CompatibilityLevel level);

    /** Releases the HTTP client; further calls fail. */
    @Override
    void close();
}
