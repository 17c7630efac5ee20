package dev.loraq.engine.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.loraq.engine.config.ConfigDefinition.Type.BOOLEAN;
import static dev.loraq.engine.config.ConfigDefinition.Type.DOUBLE;
import static dev.loraq.engine.config.ConfigDefinition.Type.INT;
import static dev.loraq.engine.config.ConfigDefinition.Type.LIST;
import static dev.loraq.engine.config.ConfigDefinition.Type.PATH;
import static dev.loraq.engine.config.ConfigDefinition.Type.STRING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigDefinitionTest {

    private final ConfigDefinition def = new ConfigDefinition()
            .define("dir", PATH, ConfigDefinition.NO_DEFAULT, Validator.nonEmpty(), "A folder.")
            .define("count", INT, 3, Validator.range(1, 10), "How many.")
            .define("ratio", DOUBLE, 0.5, Validator.range(0, 1), "A fraction.")
            .define("mode", STRING, "fast", Validator.oneOf("fast", "safe"), "Which mode.")
            .define("flag", BOOLEAN, false, "A switch.")
            .define("names", LIST, "a,b", "Some names.");

    @Test
    void shouldParseStringsAndApplyDefaults() {
        ConfigValues v = def.parse(Map.of("dir", "/tmp/x", "count", " 7 ", "flag", "TRUE", "names", "x, y"));

        assertEquals(Path.of("/tmp/x"), v.getPath("dir").orElseThrow());
        assertEquals(7, v.getInt("count"));
        assertEquals(0.5, v.getDouble("ratio"));
        assertEquals("fast", v.getString("mode"));
        assertEquals(true, v.getBoolean("flag"));
        assertEquals(List.of("x", "y"), v.getList("names"));
    }

    @Test
    void shouldRejectUnknownKeyNamingIt() {
        ConfigException e = assertThrows(ConfigException.class, () -> def.parse(Map.of("dir", "/x", "cuont", "2")));

        assertEquals("cuont", e.key());
        assertTrue(e.getMessage().startsWith("unknown configuration key 'cuont'"), e.getMessage());
    }

    @Test
    void shouldRejectBadValuesNamingKeyAndValue() {
        assertEquals("invalid value '12' for configuration 'count': must be in [1, 10]",
                assertThrows(ConfigException.class, () -> def.parse(Map.of("dir", "/x", "count", "12"))).getMessage());
        assertEquals("invalid value 'many' for configuration 'count': expected an int",
                assertThrows(ConfigException.class, () -> def.parse(Map.of("dir", "/x", "count", "many"))).getMessage());
        assertEquals("invalid value 'slow' for configuration 'mode': must be one of fast, safe",
                assertThrows(ConfigException.class, () -> def.parse(Map.of("dir", "/x", "mode", "slow"))).getMessage());
        assertEquals("invalid value 'yes' for configuration 'flag': expected true or false",
                assertThrows(ConfigException.class, () -> def.parse(Map.of("dir", "/x", "flag", "yes"))).getMessage());
    }

    @Test
    void shouldRequireKeysWithoutDefault() {
        ConfigException e = assertThrows(ConfigException.class, () -> def.parse(Map.of()));

        assertEquals("dir", e.key());
        assertTrue(e.getMessage().contains("missing required configuration 'dir' (environment variable LORAQ_DIR)"),
                e.getMessage());
    }

    @Test
    void shouldMapEnvironmentVariablesWithPropertiesWinning() {
        Map<String, String> env = Map.of("LORAQ_DIR", "/env", "LORAQ_COUNT", "4", "LORAQ_OTHER_THING", "ignored",
                "HOME", "/root");

        ConfigValues fromEnv = def.parse(Map.of(), env);
        ConfigValues overridden = def.parse(Map.of("count", "9"), env);

        assertEquals(Path.of("/env"), fromEnv.getPath("dir").orElseThrow());
        assertEquals(4, fromEnv.getInt("count"));
        assertEquals(9, overridden.getInt("count"));
        assertEquals("LORAQ_MAX_LORAS", ConfigDefinition.envVarName("max.loras"));
    }

    @Test
    void shouldRefuseInvalidDefaultsAndDuplicateKeys() {
        assertThrows(IllegalArgumentException.class,
                () -> new ConfigDefinition().define("n", INT, 0, Validator.range(1, 2), "doc"));
        assertThrows(IllegalArgumentException.class,
                () -> new ConfigDefinition().define("n", INT, 1, "doc").define("n", INT, 1, "doc"));
    }

    @Test
    void shouldDocumentEveryKeyInHelpAndMarkdown() {
        String help = def.toHelpText();
        String markdown = def.toMarkdownTable();

        for (ConfigDefinition.Key key : def.keys()) {
            assertTrue(help.contains(key.key() + " (env " + key.envVar() + ")"), key.key());
            assertTrue(help.contains(key.doc()), key.key());
            assertTrue(markdown.contains("| `" + key.key() + "` | `" + key.envVar() + "` |"), key.key());
        }
        assertTrue(help.contains("type: int, default: 3, valid values: [1, 10]"), help);
        assertTrue(markdown.contains("| path | (required) | non-empty | A folder. |"), markdown);
    }
}
