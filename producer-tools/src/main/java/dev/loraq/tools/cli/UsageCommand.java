package dev.loraq.tools.cli;

import dev.loraq.tools.config.ToolsConfig;
import dev.loraq.tools.usage.UsageFormat;
import dev.loraq.tools.usage.UsageReader;
import dev.loraq.tools.usage.UsageReport;
import dev.loraq.tools.usage.UsageRow;
import dev.loraq.tools.usage.UsageSince;
import dev.loraq.tools.usage.UsageView;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code loraq usage}: requests, tokens, errors and engine time per tenant from the usage table (loraq.usage). */
@Command(name = "usage", mixinStandardHelpOptions = true,
        description = "Print per-tenant usage (requests, errors, prompt and completion tokens, attributed engine time) "
                + "from loraq.usage (needs 'loraq usage-service' running).")
final class UsageCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--tenant", paramLabel = "TENANT", description = "Only this tenant's usage.")
    String tenant;

    @Option(names = "--since", paramLabel = "WHEN",
            description = "Only periods that hold or follow this time: 2026-11-05T10:00:00Z, 2026-11-05 (UTC) or PT24H / P7D "
                    + "back from now. Whole periods count: the hour that holds it (the day for --by day).")
    String since;

    @Option(names = "--by", paramLabel = "VIEW", defaultValue = "adapter",
            description = "adapter (per tenant and adapter, default), day (per tenant and UTC day) or hour (per tenant and UTC hour).")
    String by;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default; engine time in seconds), csv or json (engine time in nanoseconds).")
    String format;

    @Override
    public Integer call() {
        UsageView view = choice(UsageView.class, "--by", by);
        UsageFormat output = choice(UsageFormat.class, "--format", format);
        Instant from = null;
        if (since != null) {
            try {
                from = UsageSince.parse(since, Instant.now());
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        if (tenant != null) {
            try {
                ToolsConfig.requireTenant("--tenant", tenant);
            } catch (org.apache.kafka.common.config.ConfigException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        ToolsConfig config = connection.toolsConfig();
        Map<String, UsageRow> table;
        try (UsageReader reader = new UsageReader(config)) {
            table = reader.snapshot();
        }
        List<UsageRow> lines = UsageReport.of(table.values(), view, tenant, from);
        output.write(lines, view, spec.commandLine().getOut());
        return ExitCodes.OK;
    }

    private <E extends Enum<E>> E choice(Class<E> type, String option, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        throw new CommandLine.ParameterException(spec.commandLine(), option + " must be one of "
                + java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(java.util.Locale.ROOT)).toList()
                + ", got '" + value + "'");
    }
}
