package dev.loraq.engine.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The safetensors files of a model folder: model.safetensors, or the shards listed by
 * model.safetensors.index.json. Finds the file holding each tensor.
 */
public final class WeightFiles implements AutoCloseable {
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";

    private final Path dir;
    private final List<SafetensorsFile> files;
    private final Map<String, SafetensorsFile> byTensor;

    private WeightFiles(Path dir, List<SafetensorsFile> files, Map<String, SafetensorsFile> byTensor) {
        this.dir = dir;
        this.files = files;
        this.byTensor = byTensor;
    }

    public static WeightFiles open(Path modelDir) {
        Path single = modelDir.resolve(SINGLE);
        Path index = modelDir.resolve(INDEX);
        List<SafetensorsFile> files = new ArrayList<>();
        Map<String, SafetensorsFile> byTensor = new HashMap<>();
        try {
            if (Files.exists(index)) {
                JsonNode map;
                try {
                    map = new ObjectMapper().readTree(Files.readString(index)).get("weight_map");
                } catch (IOException e) {
                    throw new ModelFormatException(index + ": cannot read shard index: " + e.getMessage(), e);
                }
                if (map == null || !map.isObject()) {
                    throw new ModelFormatException(index + ": no weight_map object");
                }
                Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
                for (var e : map.properties()) {
                    String shard = e.getValue().asText();
                    SafetensorsFile f = shards.get(shard);
                    if (f == null) {
                        Path shardPath = modelDir.resolve(shard);
                        if (!Files.exists(shardPath)) {
                            throw new ModelFormatException(index + ": shard " + shard + " listed for tensor '"
                                    + e.getKey() + "' does not exist");
                        }
                        f = SafetensorsFile.open(shardPath);
                        shards.put(shard, f);
                        files.add(f);
                    }
                    if (!f.contains(e.getKey())) {
                        throw new ModelFormatException(f.path() + ": missing tensor '" + e.getKey() + "' (listed in " + index + ")");
                    }
                    byTensor.put(e.getKey(), f);
                }
            } else if (Files.exists(single)) {
                SafetensorsFile f = SafetensorsFile.open(single);
                files.add(f);
                f.names().forEach(n -> byTensor.put(n, f));
            } else {
                throw new ModelFormatException(modelDir + ": no " + SINGLE + " or " + INDEX);
            }
        } catch (RuntimeException e) {
            files.forEach(SafetensorsFile::close);
            throw e;
        }
        return new WeightFiles(modelDir, List.copyOf(files), byTensor);
    }

    public Path dir() {
        return dir;
    }

    public boolean contains(String tensor) {
        return byTensor.containsKey(tensor);
    }

    /** The file holding a tensor; throws naming the folder and tensor when none does. */
    public SafetensorsFile fileFor(String tensor) {
        SafetensorsFile f = byTensor.get(tensor);
        if (f == null) {
            String where = files.size() == 1 ? files.getFirst().path().toString() : dir.toString();
            throw new ModelFormatException(where + ": missing tensor '" + tensor + "'");
        }
        return f;
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
