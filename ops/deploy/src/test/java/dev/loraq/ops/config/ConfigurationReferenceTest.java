package dev.loraq.ops.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loraq.engine.config.EngineConfig;
import dev.loraq.schemas.registry.SchemaRegistryClientConfig;
import dev.loraq.service.config.ConfigSources;
import dev.loraq.service.config.ServiceConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigurationReferenceTest {

    private static Path repositoryFile(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isDirectory(dir.resolve("docs"))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void shouldMatchTheCommittedReference() throws IOException {
        Path committed = repositoryFile(ConfigurationReference.PATH);
        assertTrue(Files.isRegularFile(committed), committed + " is missing; generate it with ops/config-reference.sh");
        assertEquals(ConfigurationReference.markdown(), Files.readString(committed, StandardCharsets.UTF_8),
                ConfigurationReference.PATH + " is out of date with the configuration classes; regenerate it with ops/config-reference.sh");
    }

    @Test
    void shouldListEveryKeyWithItsEnvironmentVariable() {
        String markdown = ConfigurationReference.markdown();
        for (String key : ServiceConfig.CONFIG_DEF.names()) {
            assertTrue(markdown.contains("| `" + key + "` | `" + ConfigSources.envName(key) + "` |"), "service key " + key);
        }
        for (String key : SchemaRegistryClientConfig.CONFIG_DEF.names()) {
            assertTrue(markdown.contains("| `" + key + "` | `" + ConfigSources.envName(key) + "` |"), "registry key " + key);
        }
        for (var key : EngineConfig.DEFINITION.keys()) {
            assertTrue(markdown.contains("| `" + key.key() + "` | `" + key.envVar() + "` |"), "engine key " + key.key());
        }
    }

    @Test
    void shouldNeverPrintPasswordDefaults() {
        String markdown = ConfigurationReference.markdown();
        assertTrue(markdown.contains("| `" + SchemaRegistryClientConfig.SSL_TRUSTSTORE_PASSWORD_CONFIG + "` | `LORAQ_SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD` | password | (hidden) |"),
                "password keys show (hidden) as default");
    }

    @Test
    void shouldWriteTheReferenceFileFromTheCommand(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("nested/configuration.md");
        ConfigReferenceMain.main(new String[] {out.toString()});
        assertEquals(ConfigurationReference.markdown(), Files.readString(out, StandardCharsets.UTF_8));
    }
}
