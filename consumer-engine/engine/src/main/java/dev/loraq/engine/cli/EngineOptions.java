package dev.loraq.engine.cli;

import dev.loraq.engine.config.EngineConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Options shared by the commands that open an engine: the model, the adapters, and any engine key. */
final class EngineOptions {

    @Option(names = "--model", required = true, description = "Model folder (Hugging Face layout).")
    Path model;

    @Option(names = "--adapters", description = "Folder of adapter folders (adapter id = folder name).")
    Path adapters;

    @Option(names = {"-c", "--config"}, description = "Any engine configuration key, as key=value (repeatable), "
            + "e.g. -c max.loras=4 -c weight.format=int8. Keys: see 'loraq-engine run --help'.")
    Map<String, String> config = new LinkedHashMap<>();

    EngineConfig toConfig() {
        Map<String, Object> props = new LinkedHashMap<>(config);
        props.put(EngineConfig.MODEL_DIR, model.toString());
        if (adapters != null) {
            props.put(EngineConfig.ADAPTERS_DIR, adapters.toString());
        }
        return EngineConfig.fromEnvironment(props, System.getenv());
    }
}
