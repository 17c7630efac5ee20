package dev.loraq.tools.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code loraq acls} without a broker: help, dry-run output and usage errors. */
class AclsCommandTest {

    @Test
    void helpNamesEveryOption() {
        CliRun help = CliRun.of("acls", "--help");
        assertEquals(0, help.exitCode(), help::toString);
        for (String option : List.of("--engine-principal", "--engine-group", "--[no-]engine-creates-topics", "--tools-principal",
                "--tenant", "--tenant-principal", "--tenant-group", "--host", "--dry-run", "--config-file")) {
            assertTrue(help.out().contains(option), option + " in\n" + help.out());
        }
    }

    @Test
    void dryRunPrintsPerTenantPrincipalsAndGroupsAndLeavesOutCreateWhenAsked() {
        CliRun run = CliRun.of("acls", "--engine-principal", "User:engine", "--no-engine-creates-topics",
                "--tenant", "acme", "--tenant", "globex", "--tenant-principal", "User:globex-app", "--tenant-group", "globex-readers",
                "--dry-run");
        assertEquals(0, run.exitCode(), run::toString);
        List<String> lines = run.out().strip().lines().map(l -> l.substring(0, l.indexOf("  #"))).toList();
        // The engine's five and READ on loraq.job-control (it learns of cancelled jobs), five per tenant.
        assertEquals(6 + 5 + 5, lines.size(), run::toString);
        assertTrue(lines.contains("User:engine ALLOW READ TOPIC:LITERAL:loraq.prompts host=*"), run::toString);
        assertTrue(lines.contains("User:engine ALLOW READ TOPIC:LITERAL:loraq.job-control host=*"), run::toString);
        assertTrue(lines.contains("User:engine ALLOW WRITE TOPIC:PREFIXED:loraq.completions. host=*"), run::toString);
        assertTrue(lines.contains("User:engine ALLOW WRITE TRANSACTIONAL_ID:PREFIXED:loraq-engine- host=*"), run::toString);
        assertTrue(lines.stream().noneMatch(l -> l.contains(" CREATE ")), "no CREATE with --no-engine-creates-topics: " + run);
        assertTrue(lines.contains("User:acme ALLOW READ GROUP:LITERAL:loraq-tenant-acme host=*"), run::toString);
        assertTrue(lines.contains("User:globex-app ALLOW READ TOPIC:LITERAL:loraq.completions.globex host=*"), run::toString);
        assertTrue(lines.contains("User:globex-app ALLOW READ GROUP:LITERAL:globex-readers host=*"), run::toString);
    }

    @Test
    void dryRunFollowsTheConfiguredOutputTopicPattern() {
        CliRun run = CliRun.of("acls", "--engine-principal", "User:engine", "--tools-principal", "User:tools", "--tenant", "acme",
                "-c", "output.topic.pattern=results.{tenant}.v1", "--dry-run");
        assertEquals(0, run.exitCode(), run::toString);
        List<String> lines = run.out().strip().lines().map(l -> l.substring(0, l.indexOf("  #"))).toList();
        assertTrue(lines.contains("User:engine ALLOW WRITE TOPIC:PREFIXED:results. host=*"), run::toString);
        assertTrue(lines.contains("User:engine ALLOW CREATE TOPIC:PREFIXED:results. host=*"), run::toString);
        assertTrue(lines.contains("User:acme ALLOW READ TOPIC:LITERAL:results.acme.v1 host=*"), run::toString);
        assertTrue(lines.contains("User:tools ALLOW READ TOPIC:PREFIXED:results. host=*"), run::toString);
        assertTrue(lines.stream().noneMatch(l -> l.contains("loraq.completions")), run::toString);

        CliRun leading = CliRun.of("acls", "--engine-principal", "User:engine", "-c", "output.topic.pattern={tenant}.results", "--dry-run");
        assertEquals(ExitCodes.USAGE, leading.exitCode(), leading::toString);
        assertTrue(leading.err().contains("output.topic.pattern") && leading.err().contains("must not start with {tenant}"), leading::toString);
    }

    @Test
    void refusesTenantIdsOutsideThePipelineRule() {
        CliRun dotted = CliRun.of("acls", "--tenant", "acme.eu", "--dry-run");
        assertEquals(ExitCodes.USAGE, dotted.exitCode(), dotted::toString);
        assertTrue(dotted.err().contains("acme.eu") && dotted.err().contains("starting with a letter or digit"), dotted::toString);
    }

    @Test
    void refusesNothingToDoAndMalformedPrincipals() {
        CliRun nothing = CliRun.of("acls", "--dry-run");
        assertEquals(ExitCodes.USAGE, nothing.exitCode(), nothing::toString);
        assertTrue(nothing.err().contains("nothing to do"), nothing::toString);
        CliRun bad = CliRun.of("acls", "--engine-principal", "engine", "--dry-run");
        assertEquals(ExitCodes.USAGE, bad.exitCode(), bad::toString);
        assertTrue(bad.err().contains("--engine-principal must be TYPE:NAME"), bad::toString);
    }
}
