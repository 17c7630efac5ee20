package dev.loraq.quickstart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What {@code loraq collect} wrote for one job (results file plus errors file, in loraq or OpenAI Batch format),
 * read back to check that every request came back exactly once.
 */
final class CollectedJob {

    private static final ObjectMapper JSON = new ObjectMapper();

    final Map<String, Integer> countById = new HashMap<>();
    final List<String> sampleTexts = new ArrayList<>();
    int ok;
    int errors;
    long completionTokens;

    static CollectedJob read(Path results, Path errors) throws IOException {
        CollectedJob job = new CollectedJob();
        job.readFile(results, false);
        job.readFile(errors, true);
        return job;
    }

    private void readFile(Path file, boolean isErrors) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            boolean openAi = n.has("custom_id");
            String id = openAi ? n.get("custom_id").asText() : n.get("request_id").asText();
            countById.merge(id, 1, Integer::sum);
            if (isErrors) {
                errors++;
                continue;
            }
            ok++;
            if (openAi) {
                JsonNode body = n.path("response").path("body");
                completionTokens += body.path("usage").path("completion_tokens").asLong();
                JsonNode choice = body.path("choices").path(0);
                sampleTexts.add(choice.has("message") ? choice.path("message").path("content").asText() : choice.path("text").asText());
            } else {
                completionTokens += n.path("usage").path("completion_tokens").asLong();
                sampleTexts.add(n.path("text").asText());
            }
        }
    }

    /** Request ids expected but absent. */
    TreeSet<String> missing(List<String> expected) {
        TreeSet<String> missing = new TreeSet<>(expected);
        missing.removeAll(countById.keySet());
        return missing;
    }

    /** Request ids seen more than once, or not part of the job. */
    TreeSet<String> unexpected(List<String> expected) {
        TreeSet<String> bad = new TreeSet<>();
        countById.forEach((id, count) -> {
            if (count > 1 || !expected.contains(id)) {
                bad.add(id);
            }
        });
        return bad;
    }
}
