package dev.loraq.quickstart;

import dev.loraq.engine.Engine;
import dev.loraq.engine.EngineStats;
import dev.loraq.engine.config.EngineConfig;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.synth.ModelPreset;
import dev.loraq.engine.synth.SyntheticAdapterWriter;
import dev.loraq.engine.synth.SyntheticModelFolder;
import dev.loraq.service.EngineService;
import dev.loraq.service.config.ConfigSources;
import dev.loraq.service.config.ServiceConfig;
import dev.loraq.service.inference.LocalEngine;
import dev.loraq.stack.EmbeddedLocalStack;
import dev.loraq.stack.LocalStack;
import dev.loraq.stack.LocalStackConfig;
import dev.loraq.tools.cli.LoraqCli;
import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.progress.JobProgressService;
import dev.loraq.tools.usage.UsageService;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * The main job on the embedded default: a local Kafka broker and schema registry, a demo model with one adapter per
 * tenant use (synthetic unless a model is given), a demo job per tenant submitted with {@code loraq submit}, the
 * consumer engine and the job-progress service running until every request is collected, then a summary. Exits 0
 * only when every request came back exactly once, in its own tenant's topic.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Runs the loraq pipeline end to end on this machine and checks that every request completed exactly once.")
public final class QuickstartCommand implements Callable<Integer> {

    private static final String PROGRESS_STATE = "progress-state";

    private static final List<String> TENANTS = List.of("acme", "globex", "initech");

    @Option(names = "--work-dir", defaultValue = ".loraq/quickstart", description = "Folder for the stack's data, the demo model, job files and results. Default: ${DEFAULT-VALUE}.")
    Path workDir;

    @Option(names = "--model", description = "A Hugging Face Llama-family model folder to use instead of the synthetic demo model.")
    Path model;

    @Option(names = "--adapters", description = "Folder of PEFT adapters for --model (adapter id = folder name); spread over the tenants.")
    Path adapters;

    @Option(names = "--preset", defaultValue = "tiny", description = "Synthetic model shape when no --model is given: tiny, small or 1b. Default: ${DEFAULT-VALUE}.")
    String preset;

    @Option(names = "--requests-per-tenant", defaultValue = "40", description = "Requests in each tenant's job. Default: ${DEFAULT-VALUE}.")
    int requestsPerTenant;

    @Option(names = "--max-tokens", defaultValue = "16", description = "max_tokens of each request. Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--bootstrap-servers", description = "Use this Kafka instead of starting the embedded one (needs --schema-registry-url).")
    String bootstrapServers;

    @Option(names = "--schema-registry-url", description = "Confluent-compatible registry URL to use with --bootstrap-servers.")
    String registryUrl;

    @Option(names = "--timeout", defaultValue = "PT4M", description = "How long to wait for the jobs to complete. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    private final PrintWriter out;
    /** Whether the demo runs on the synthetic model (no --model given). */
    private boolean synthetic;

    public QuickstartCommand() {
        this(new PrintWriter(System.out, true));
    }

    QuickstartCommand(PrintWriter out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new QuickstartCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if ((bootstrapServers == null) != (registryUrl == null)) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--bootstrap-servers and --schema-registry-url go together");
        }
        Files.createDirectories(workDir);
        long start = System.nanoTime();
        LocalStack stack = null;
        try {
            if (bootstrapServers == null) {
                step("starting the local Kafka broker and schema registry");
                Map<String, Object> stackProps = new LinkedHashMap<>();
                stackProps.put(LocalStackConfig.KAFKA_PORT_CONFIG, 0);
                stackProps.put(LocalStackConfig.REGISTRY_PORT_CONFIG, 0);
                stack = EmbeddedLocalStack.start(new LocalStackConfig(stackProps));
                // A new cluster: the Streams state of an earlier run belongs to a cluster that is gone.
                deleteTree(workDir.resolve(PROGRESS_STATE));
                bootstrapServers = stack.bootstrapServers();
                registryUrl = stack.registryUrl();
            }
            out.printf("  bootstrap.servers=%s%n  schema.registry.url=%s%n", bootstrapServers, registryUrl);
            return runPipeline(start);
        } finally {
            if (stack != null) {
                step("stopping the local stack");
                stack.close();
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private int runPipeline(long start) throws Exception {
        List<List<String>> adaptersByTenant = prepareModel();
        Path modelDir = model;

        step("creating topics");
        List<String> topicArgs = new ArrayList<>(List.of("topics", "--create"));
        for (String t : TENANTS) {
            topicArgs.add("--tenant");
            topicArgs.add(t);
        }
        loraq(topicArgs.toArray(String[]::new));

        List<DemoJobs.TenantJob> jobs = DemoJobs.write(workDir.resolve("jobs"), TENANTS, adaptersByTenant,
                requestsPerTenant, maxTokens);

        step("starting the job-progress and usage services and the consumer engine");
        Map<String, Object> toolProps = new LinkedHashMap<>();
        toolProps.put(ToolsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        toolProps.put(ToolsConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
        toolProps.put(ToolsConfig.PROGRESS_STATE_DIR_CONFIG, workDir.resolve(PROGRESS_STATE).toString());
        try (JobProgressService progress = new JobProgressService(new ToolsConfig(toolProps));
             UsageService usage = new UsageService(new ToolsConfig(toolProps));
             Engine engine = Engine.open(engineConfig(modelDir));
             EngineService service = EngineService.start(serviceConfig(modelDir), LocalEngine.wrap(engine))) {
            progress.start();
            usage.start();

            step("submitting one job per tenant");
            Map<String, String> jobIds = new LinkedHashMap<>();
            long submitted = System.nanoTime();
            for (DemoJobs.TenantJob job : jobs) {
                String jobId = "demo-" + job.tenant() + "-" + Long.toString(System.currentTimeMillis(), 36);
                loraq("submit", job.file().toString(), "--tenant", job.tenant(), "--job-id", jobId, "--progress", "never");
                jobIds.put(job.tenant(), jobId);
                out.printf("  %-8s %d requests (%s) -> job %s%n", job.tenant(), job.requestIds().size(),
                        job.file().getFileName(), jobId);
            }

            step("collecting results (the engine runs until every request is in)");
            Map<String, CollectedJob> collected = new LinkedHashMap<>();
            boolean allCollected = true;
            for (DemoJobs.TenantJob job : jobs) {
                Path results = workDir.resolve("results").resolve(job.tenant() + ".jsonl");
                Path errors = workDir.resolve("results").resolve(job.tenant() + ".errors.jsonl");
                Files.createDirectories(results.getParent());
                Files.deleteIfExists(results);
                Files.deleteIfExists(errors);
                int code = loraqExit("collect", "--tenant", job.tenant(), "--job", jobIds.get(job.tenant()),
                        "--out", results.toString(), "--errors", errors.toString(), "--timeout", timeout.toString());
                allCollected &= code == 0;
                collected.put(job.tenant(), CollectedJob.read(results, errors));
            }
            double seconds = (System.nanoTime() - submitted) / 1e9;
            for (DemoJobs.TenantJob job : jobs) {
                loraqExit("watch", jobIds.get(job.tenant()), "--timeout", "PT30S");
            }
            loraqExit("jobs");
            loraqExit("usage");
            return summarize(jobs, collected, engine.stats(), seconds, allCollected, start);
        }
    }

    private int summarize(List<DemoJobs.TenantJob> jobs, Map<String, CollectedJob> collected, EngineStats stats,
                          double seconds, boolean allCollected, long start) {
        step("one sample completion per tenant");
        if (synthetic) {
            // A synthetic model has real shapes and random weights: its text is noise, not a bug.
            out.println("  (synthetic demo model with random weights: the text is noise. For real output run"
                    + " ops/quickstart.sh --model DIR --adapters DIR with a Llama-family model and PEFT adapters.)");
        }
        int requests = 0;
        int ok = 0;
        int errors = 0;
        long tokens = 0;
        boolean exactlyOnce = allCollected;
        for (DemoJobs.TenantJob job : jobs) {
            CollectedJob c = collected.get(job.tenant());
            String sample = c.sampleTexts.isEmpty() ? "(no successful completion)" : c.sampleTexts.getFirst();
            out.printf("  %-8s %s%n", job.tenant() + ":", sample.replace('\n', ' '));
            requests += job.requestIds().size();
            ok += c.ok;
            errors += c.errors;
            tokens += c.completionTokens;
            if (!c.missing(job.requestIds()).isEmpty() || !c.unexpected(job.requestIds()).isEmpty()) {
                exactlyOnce = false;
                out.printf("  %s: missing %s, duplicated or foreign %s%n", job.tenant(),
                        c.missing(job.requestIds()), c.unexpected(job.requestIds()));
            }
        }
        step("summary");
        out.printf("  requests           %d (%d ok, %d errors)%n", requests, ok, errors);
        out.printf("  completion tokens  %d%n", tokens);
        out.printf("  tokens/s           %.1f end to end (submit to last result, %.1f s)%n", tokens / seconds, seconds);
        out.printf("  warm-hit rate      %.3f (%d warm, %d slot installs, %d disk loads)%n", stats.warmHitRate(),
                stats.adapters().warmHits(), stats.adapters().hostHits(), stats.adapters().diskLoads());
        out.printf("  mean batch         %.1f sequences, %.2f adapters%n", stats.scheduler().meanBatchSize(),
                stats.scheduler().meanAdaptersPerBatch());
        for (DemoJobs.TenantJob job : jobs) {
            CollectedJob c = collected.get(job.tenant());
            out.printf("  %-8s %d/%d completed, %d errors, in loraq.completions.%s only%n", job.tenant(),
                    c.countById.size(), job.requestIds().size(), c.errors, job.tenant());
        }
        out.printf("  exactly once       %s%n", exactlyOnce ? "yes" : "NO");
        out.printf("  total time         %.1f s%n", (System.nanoTime() - start) / 1e9);
        return exactlyOnce ? 0 : 1;
    }

    /** Uses --model/--adapters, or writes the synthetic demo model with two adapters per tenant. */
    private List<List<String>> prepareModel() throws IOException {
        List<List<String>> byTenant = new ArrayList<>();
        if (model != null) {
            List<String> ids = new ArrayList<>();
            if (adapters != null) {
                try (Stream<Path> dirs = Files.list(adapters)) {
                    dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().forEach(ids::add);
                }
            }
            for (int t = 0; t < TENANTS.size(); t++) {
                List<String> mine = new ArrayList<>();
                for (int i = t; i < ids.size(); i += TENANTS.size()) {
                    mine.add(ids.get(i));
                }
                byTenant.add(mine);
            }
            step("using model " + model + (adapters == null ? " (base model only)" : " with adapters " + ids));
            return byTenant;
        }
        synthetic = true;
        model = workDir.resolve("model-" + preset);
        adapters = model.resolve("adapters");
        List<String> kinds = List.of("support", "sales");
        boolean exists = Files.isRegularFile(model.resolve("model.safetensors"));
        step((exists ? "reusing" : "writing") + " the synthetic demo model (" + preset + " preset) and its adapters");
        ModelConfig config = exists ? ModelPreset.byName(preset).toConfig()
                : SyntheticModelFolder.write(model, ModelPreset.byName(preset), 42);
        int seed = 100;
        for (String tenant : TENANTS) {
            List<String> mine = new ArrayList<>();
            for (String kind : kinds) {
                String id = tenant + "-" + kind;
                if (!Files.isDirectory(adapters.resolve(id))) {
                    SyntheticAdapterWriter.write(adapters.resolve(id), config, 8, 16, EnumSet.allOf(Projection.class), seed);
                }
                seed++;
                mine.add(id);
            }
            byTenant.add(mine);
        }
        return byTenant;
    }

    private EngineConfig engineConfig(Path modelDir) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(EngineConfig.MODEL_DIR, modelDir.toString());
        if (adapters != null) {
            p.put(EngineConfig.ADAPTERS_DIR, adapters.toString());
        }
        p.put(EngineConfig.MAX_LORAS, 4);
        p.put(EngineConfig.MAX_CPU_LORAS, 8);
        return new EngineConfig(p);
    }

    private ServiceConfig serviceConfig(Path modelDir) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("bootstrap.servers", bootstrapServers);
        s.put("schema.registry.url", registryUrl);
        s.put("worker.id", "quickstart");
        s.put("metrics.port", "0");
        s.put("commit.interval.ms", "200");
        s.put(EngineConfig.MODEL_DIR, modelDir.toString());
        return ConfigSources.load(null, s, Map.of());
    }

    private void loraq(String... args) {
        int code = loraqExit(args);
        if (code != 0) {
            throw new IllegalStateException("loraq " + args[0] + " failed with exit code " + code);
        }
    }

    /** Runs a {@code loraq} command in-process against this run's Kafka and registry. */
    private int loraqExit(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--bootstrap-servers");
        all.add(bootstrapServers);
        all.add("--schema-registry-url");
        all.add(registryUrl);
        StringWriter err = new StringWriter();
        PrintWriter errWriter = new PrintWriter(err, true);
        int code = LoraqCli.execute(out, errWriter, all.toArray(String[]::new));
        if (code != 0) {
            out.print(err);
        }
        return code;
    }

    private void step(String what) {
        out.printf("==> %s%n", what);
        out.flush();
    }
}
