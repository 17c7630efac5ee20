package dev.loraq.reliability;

import picocli.CommandLine.Option;

/** The size of a scenario's multi-tenant job (a picocli mixin). */
final class JobOptions {

    @Option(names = "--requests-per-tenant", defaultValue = "1000", description = "Requests per tenant (3 tenants). Default: ${DEFAULT-VALUE}.")
    int perTenant;

    @Option(names = "--max-tokens", defaultValue = "16", description = "max_tokens per request (sampled at temperature 1). Default: ${DEFAULT-VALUE}.")
    int maxTokens;

    int requests() {
        return 3 * perTenant;
    }
}
