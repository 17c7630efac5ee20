package dev.loraq.ops.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes docs/configuration.md from the configuration classes.
 * Usage: {@code ConfigReferenceMain [OUTPUT]} (default: docs/configuration.md under the current directory).
 */
public final class ConfigReferenceMain {

    private ConfigReferenceMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length > 1 || (args.length == 1 && (args[0].equals("-h") || args[0].equals("--help")))) {
            System.err.println("Usage: config-reference [OUTPUT]  (default " + ConfigurationReference.PATH + ")");
            System.exit(args.length > 1 ? 2 : 0);
        }
        Path output = Path.of(args.length == 1 ? args[0] : ConfigurationReference.PATH);
        if (output.toAbsolutePath().getParent() != null) {
            Files.createDirectories(output.toAbsolutePath().getParent());
        }
        Files.writeString(output, ConfigurationReference.markdown(), StandardCharsets.UTF_8);
        System.out.println("wrote " + output);
    }
}
