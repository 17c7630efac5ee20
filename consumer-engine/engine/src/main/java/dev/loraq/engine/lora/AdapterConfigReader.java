package dev.loraq.engine.lora;

import dev.loraq.engine.model.Projection;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.loraq.engine.api.ErrorCode;
import dev.loraq.engine.api.InvalidRequestException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a PEFT {@code adapter_config.json} into an {@link AdapterConfig}.
 *
 * <p>Keys read: {@code r} (int &gt; 0, required), {@code lora_alpha} (number &gt; 0, required),
 * {@code target_modules} (required: a list of module names such as "q_proj" or "self_attn.q_proj", the string
 * "all-linear", a single module name, or a regular expression PEFT matches against full module names such as
 * "model.layers.0.self_attn.q_proj"), {@code use_rslora} (default false), {@code base_model_name_or_path}
 * (optional) and {@code peft_type} (must be "LORA" when present).
 *
 * <p>Settings that would change the computation in ways the engine does not implement are refused rather than
 * silently ignored: {@code use_dora: true}, non-empty {@code rank_pattern} / {@code alpha_pattern},
 * {@code fan_in_fan_out: true} and non-empty {@code modules_to_save}.
 *
 * <p>Errors are {@link InvalidRequestException}s with {@link ErrorCode#ADAPTER_LOAD_FAILED} whose message names
 * the file and the key (or line and column for malformed JSON).
 */
public final class AdapterConfigReader {

    /** The file name PEFT writes. */
    public static final String FILE_NAME = "adapter_config.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private AdapterConfigReader() {
    }

    /** Reads {@code adapterDir/adapter_config.json}. */
    public static AdapterConfig read(Path adapterDir) {
        Path file = adapterDir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw fail(file, "file is missing");
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw fail(file, "malformed JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw fail(file, "cannot read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw fail(file, "must contain a JSON object");
        }

        JsonNode peftType = root.get("peft_type");
        if (peftType != null && !peftType.isNull() && !"LORA".equals(peftType.asText())) {
            throw fail(file, "key 'peft_type' must be \"LORA\", got " + peftType);
        }
        JsonNode r = root.get("r");
        if (r == null || r.isNull()) {
            throw fail(file, "key 'r' is missing");
        }
        if (!r.isIntegralNumber() || !r.canConvertToInt()) {
            throw fail(file, "key 'r' must be an integer, got " + r);
        }
        int rank = r.asInt();
        if (rank <= 0) {
            throw fail(file, "key 'r' must be > 0, got " + rank);
        }
        JsonNode alpha = root.get("lora_alpha");
        if (alpha == null || alpha.isNull()) {
            throw fail(file, "key 'lora_alpha' is missing");
        }
        if (!alpha.isNumber() || !(alpha.asDouble() > 0) || Double.isInfinite(alpha.asDouble())) {
            throw fail(file, "key 'lora_alpha' must be a number > 0, got " + alpha);
        }
        boolean rslora = false;
        JsonNode rs = root.get("use_rslora");
        if (rs != null && !rs.isNull()) {
            if (!rs.isBoolean()) {
                throw fail(file, "key 'use_rslora' must be a boolean, got " + rs);
            }
            rslora = rs.asBoolean();
        }
        refuseIfTrue(root, "use_dora", file, "DoRA adapters are not supported");
        refuseIfTrue(root, "fan_in_fan_out", file, "transposed (Conv1D-style) LoRA weights are not supported");
        refuseIfNonEmpty(root, "rank_pattern", file, "per-module ranks are not supported");
        refuseIfNonEmpty(root, "alpha_pattern", file, "per-module alphas are not supported");
        refuseIfNonEmpty(root, "modules_to_save", file, "fully trained extra modules are not supported");
        Set<Projection> targets = targetModules(root.get("target_modules"), file);
        JsonNode base = root.get("base_model_name_or_path");
        String baseModel = base == null || base.isNull() ? null : base.asText();
        return new AdapterConfig(rank, alpha.asDouble(), targets, rslora, baseModel);
    }

    private static Set<Projection> targetModules(JsonNode node, Path file) {
        if (node == null || node.isNull()) {
            throw fail(file, "key 'target_modules' is missing");
        }
        Set<Projection> targets = EnumSet.noneOf(Projection.class);
        if (node.isTextual()) {
            String text = node.asText();
            if ("all-linear".equals(text)) {
                return EnumSet.allOf(Projection.class);
            }
            Projection single = byName(text);
            if (single != null) {
                return EnumSet.of(single);
            }
            Pattern pattern;
            try {
                pattern = Pattern.compile(text);
            } catch (PatternSyntaxException e) {
                throw fail(file, "key 'target_modules' is neither a module name, \"all-linear\" nor a valid regular "
                        + "expression: " + text);
            }
            for (Projection p : Projection.values()) {
                // PEFT matches the whole module path with re.fullmatch
                if (pattern.matcher("model.layers.0." + p.block() + "." + p.moduleName()).matches()) {
                    targets.add(p);
                }
            }
            if (targets.isEmpty()) {
                throw fail(file, "key 'target_modules' regular expression \"" + text
                        + "\" matches none of the supported modules " + supportedNames());
            }
            return targets;
        }
        if (!node.isArray()) {
            throw fail(file, "key 'target_modules' must be a list of module names or a string, got " + node);
        }
        List<String> unknown = new ArrayList<>();
        for (JsonNode entry : node) {
            Projection p = entry.isTextual() ? byName(entry.asText()) : null;
            if (p == null) {
                unknown.add(entry.isTextual() ? entry.asText() : entry.toString());
            } else {
                targets.add(p);
            }
        }
        if (!unknown.isEmpty()) {
            throw fail(file, "key 'target_modules' has unsupported modules " + unknown + "; supported: "
                    + supportedNames());
        }
        if (targets.isEmpty()) {
            throw fail(file, "key 'target_modules' is empty");
        }
        return targets;
    }

    /** "q_proj" or a dotted suffix of its path ("self_attn.q_proj"), as PEFT's suffix matching accepts. */
    private static Projection byName(String name) {
        Projection p = Projection.fromModuleName(name);
        if (p != null) {
            return p;
        }
        for (Projection q : Projection.values()) {
            if (name.equals(q.block() + "." + q.moduleName())) {
                return q;
            }
        }
        return null;
    }

    private static List<String> supportedNames() {
        List<String> names = new ArrayList<>();
        for (Projection p : Projection.values()) {
            names.add(p.moduleName());
        }
        return names;
    }

    private static void refuseIfTrue(JsonNode root, String key, Path file, String why) {
        JsonNode n = root.get(key);
        if (n != null && n.asBoolean(false)) {
            throw fail(file, "key '" + key + "' is true: " + why);
        }
    }

    private static void refuseIfNonEmpty(JsonNode root, String key, Path file, String why) {
        JsonNode n = root.get(key);
        if (n != null && !n.isNull() && (n.isContainerNode() ? !n.isEmpty() : true)) {
            throw fail(file, "key '" + key + "' is set (" + n + "): " + why);
        }
    }

    private static InvalidRequestException fail(Path file, String problem) {
        return new InvalidRequestException(ErrorCode.ADAPTER_LOAD_FAILED, file.toAbsolutePath() + ": " + problem);
    }
}
