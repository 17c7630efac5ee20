package dev.loraq.engine.lora;

import java.nio.file.Path;

/**
 * A located adapter: where its files are and its parsed configuration.
 *
 * @param id the adapter id
 * @param directory the adapter's folder
 * @param config its adapter_config.json
 * @param weightsFile its adapter_model.safetensors
 */
public record AdapterFiles(AdapterId id, Path directory, AdapterConfig config, Path weightsFile) {
}
