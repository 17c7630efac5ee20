package dev.loraq.tools.format;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Turns one JSON object line of a job file into a {@link JobRequest}. */
interface RequestLineParser {

    /** The request, or null when {@code problems} got at least one entry. */
    JobRequest parse(int line, JsonNode object, List<String> problems);
}
