package dev.loraq.schemas.serde;

import dev.loraq.schemas.avro.Completion;
import dev.loraq.schemas.avro.DeadLetter;
import dev.loraq.schemas.avro.JobControl;
import dev.loraq.schemas.avro.JobManifest;
import dev.loraq.schemas.avro.PromptRequest;
import dev.loraq.schemas.registry.RestSchemaRegistryClient;
import dev.loraq.schemas.registry.SchemaRegistryClientConfig;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * Configured serdes of loraq's records. Each serde gets its own registry client built from the config map (keys of
 * {@link SchemaRegistryClientConfig}), closed with the serde.
 */
public final class LoraqSerdes {

    private LoraqSerdes() {
    }

    public static AvroSerde<PromptRequest> promptRequest(Map<String, ?> config, boolean isKey) {
        return avro(PromptRequest.class, config, isKey);
    }

    public static AvroSerde<Completion> completion(Map<String, ?> config, boolean isKey) {
        return avro(Completion.class, config, isKey);
    }

    public static AvroSerde<DeadLetter> deadLetter(Map<String, ?> config, boolean isKey) {
        return avro(DeadLetter.class, config, isKey);
    }

    public static AvroSerde<JobManifest> jobManifest(Map<String, ?> config, boolean isKey) {
        return avro(JobManifest.class, config, isKey);
    }

    public static AvroSerde<JobControl> jobControl(Map<String, ?> config, boolean isKey) {
        return avro(JobControl.class, config, isKey);
    }

    /** A configured serde of any generated record class. */
    public static <T extends SpecificRecord> AvroSerde<T> avro(Class<T> type, Map<String, ?> config, boolean isKey) {
        SchemaRegistryClientConfig parsed = new SchemaRegistryClientConfig(config);
        AvroSerde<T> serde = new AvroSerde<>(type, new RestSchemaRegistryClient(parsed), parsed.autoRegisterSchemas(), parsed.useLatestVersion(), true);
        serde.configure(config, isKey);
        return serde;
    }
}
