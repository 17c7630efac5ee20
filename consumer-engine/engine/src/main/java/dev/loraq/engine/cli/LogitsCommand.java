package dev.loraq.engine.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.loraq.engine.backend.BackendOptions;
import dev.loraq.engine.backend.BackendProviders;
import dev.loraq.engine.backend.ComputeBackend;
import dev.loraq.engine.backend.ComputeBackendProvider;
import dev.loraq.engine.backend.StepBatch;
import dev.loraq.engine.config.BackendType;
import dev.loraq.engine.kv.KvBlockAllocator;
import dev.loraq.engine.lora.AdapterFiles;
import dev.loraq.engine.lora.AdapterId;
import dev.loraq.engine.lora.LocalFolderAdapterSource;
import dev.loraq.engine.lora.LoraWeights;
import dev.loraq.engine.model.LlamaModel;
import dev.loraq.engine.model.WeightFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Prints the last position's logits for a token list, for parity checks against other implementations. */
@Command(name = "logits", mixinStandardHelpOptions = true,
        description = "Runs a token-id list through the model (with an adapter if given) and prints the last "
                + "position's logits as JSON: {\"adapter\", \"tokens\", \"logits\"}.")
final class LogitsCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Model folder.")
    Path model;

    @Option(names = "--adapters", description = "Folder of adapter folders.")
    Path adapters;

    @Option(names = "--adapter", description = "Adapter id; none = base model.")
    String adapter;

    @Option(names = "--tokens", required = true, split = ",", description = "Comma-separated token ids.")
    List<Integer> tokens;

    @Option(names = "--weight-format", defaultValue = "bf16", description = "bf16 or int8. Default: ${DEFAULT-VALUE}.")
    String weightFormat;

    @Option(names = "--backend", defaultValue = "cpu", description = "cpu or cuda (its module on the class path). "
            + "Default: ${DEFAULT-VALUE}.")
    String backendName;

    @Override
    public Integer call() throws Exception {
        BackendType type = BackendType.valueOf(backendName.toUpperCase(Locale.ROOT));
        ComputeBackendProvider provider = BackendProviders.onClassPath().require(type);
        try (LlamaModel m = LlamaModel.load(model)) {
            int vocab = m.config().vocabSize();
            int n = tokens.size();
            LoraWeights weights = null;
            if (adapter != null) {
                if (adapters == null) {
                    throw new IllegalArgumentException("--adapter needs --adapters");
                }
                AdapterFiles files = new LocalFolderAdapterSource(adapters).locate(AdapterId.of(adapter));
                weights = LoraWeights.load(adapter, files.config(), files.weightsFile(), m.config());
            }
            int blockSize = 16;
            int rank = weights == null ? 1 : weights.rank();
            WeightFormat format = WeightFormat.valueOf(weightFormat.toUpperCase(Locale.ROOT));
            try (ComputeBackend backend = provider.open(m, new BackendOptions(1, rank,
                    KvBlockAllocator.blocksFor(n, blockSize), blockSize, n, format, 0))) {
                int slot = -1;
                if (weights != null) {
                    backend.installAdapter(0, weights);
                    slot = 0;
                }
                KvBlockAllocator kv = new KvBlockAllocator(backend.kvBlockSize(), backend.kvBlocks());
                int seq = kv.open();
                kv.reserve(seq, n);
                StepBatch batch = new StepBatch(kv, n, vocab);
                for (int i = 0; i < n; i++) {
                    int t = tokens.get(i);
                    if (t < 0 || t >= vocab) {
                        throw new IllegalArgumentException("token id " + t + " at index " + i + " is outside [0, " + vocab + ")");
                    }
                    batch.addRow(seq, i, t, slot, i == n - 1);
                }
                backend.step(batch);
                ObjectMapper json = new ObjectMapper();
                ObjectNode out = json.createObjectNode();
                out.put("adapter", adapter);
                ArrayNode ts = out.putArray("tokens");
                tokens.forEach(ts::add);
                ArrayNode ls = out.putArray("logits");
                float[] logits = batch.logits();
                int off = batch.logitsOffset(0);
                for (int i = 0; i < vocab; i++) {
                    ls.add(logits[off + i]);
                }
                System.out.println(json.writeValueAsString(out));
            }
        }
        return 0;
    }
}
