package dev.loraq.reliability;

import dev.loraq.engine.synth.ModelPreset;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "group-churn", mixinStandardHelpOptions = true,
        description = "Three engines share a job; one is SIGKILLed after a third of it and a fourth is added after two thirds: "
                + "lost, duplicated, how long the dead engine's partitions waited for a new owner, and warm-hit rate before and after.")
final class GroupChurnScenario extends Scenario {

    GroupChurnScenario() {
        super("group-churn", "churn", ModelPreset.SMALL, 6, false);
    }

    @Mixin
    JobOptions size;

    @Override
    boolean run(Workload workload, CompletionLedger ledger, Figures figures) throws Exception {
        Map<String, String> job = workload.produceJob("gc", size.requests(), size.maxTokens, 1.0f);
        EngineProcess a = EngineProcess.start(workload, "a", "1g", Map.of());
        EngineProcess b = EngineProcess.start(workload, "b", "1g", Map.of());
        EngineProcess c = EngineProcess.start(workload, "c", "1g", Map.of());
        awaitMembersWithPartitions(workload, 3, Duration.ofMinutes(2));
        ledger.awaitCount(job.size() / 3, Duration.ofMinutes(10));
        Set<TopicPartition> owned = partitionsOf(workload, "loraq-engine-c");
        long killedAt = System.currentTimeMillis();
        c.kill();
        long takeoverMs = awaitOwnedByOthers(workload, owned, killedAt, Duration.ofMinutes(2));
        ledger.awaitCount(2L * job.size() / 3, Duration.ofMinutes(10));
        long addedAt = System.currentTimeMillis();
        EngineProcess d = EngineProcess.start(workload, "d", "1g", Map.of());
        boolean complete = ledger.awaitCount(job.size(), Duration.ofMinutes(15));
        Thread.sleep(3000);
        // Work redone: results thrown away uncommitted and requests cancelled mid-way, on the engines that lived.
        long redone = 0;
        for (EngineProcess engine : List.of(a, b, d)) {
            redone += (long) (engine.metric("loraq_results_discarded_total") + engine.metric("loraq_requests_cancelled_total"));
        }
        int exits = a.stop() + b.stop() + d.stop();
        figures.put("max_tokens", size.maxTokens).accounting(ledger.account(job))
                .put("complete", complete)
                .put("dead_engine_partitions", owned.size())
                .put("takeover_after_kill_ms", takeoverMs)
                .put("warm_hit_rate_before_kill", warmHitRate(ledger, Long.MIN_VALUE, killedAt))
                .put("warm_hit_rate_after_kill", warmHitRate(ledger, killedAt, addedAt))
                .put("warm_hit_rate_after_add", warmHitRate(ledger, addedAt, Long.MAX_VALUE))
                .put("redone_on_survivors", redone)
                .put("exit_statuses_sum_after_sigterm", exits);
        return ledger.account(job).exact() && complete;
    }

    /** Share of adapter requests whose adapter was already in a compute slot, among those completed in [from, to). */
    private static double warmHitRate(CompletionLedger ledger, long from, long to) {
        long warm = ledger.countCompletions(s -> in(s, from, to) && s.adapterLoad().equals("WARM"));
        long all = ledger.countCompletions(s -> in(s, from, to) && !s.adapterLoad().equals("NONE"));
        return all == 0 ? Double.NaN : (double) warm / all;
    }

    private static boolean in(CompletionLedger.Seen seen, long from, long to) {
        return seen.completedAtMillis() >= from && seen.completedAtMillis() < to && seen.status().equals("OK");
    }

    private static Set<TopicPartition> partitionsOf(Workload workload, String instanceId) throws Exception {
        Set<TopicPartition> owned = new HashSet<>();
        for (MemberDescription member : describe(workload).members()) {
            if (member.groupInstanceId().orElse("").equals(instanceId)) {
                owned.addAll(member.assignment().topicPartitions());
            }
        }
        return owned;
    }

    /** Milliseconds from the kill until every partition the dead engine owned is assigned to a live one; -1 on timeout. */
    private static long awaitOwnedByOthers(Workload workload, Set<TopicPartition> owned, long killedAt, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Set<TopicPartition> assigned = new HashSet<>();
            for (MemberDescription member : describe(workload).members()) {
                if (!member.groupInstanceId().orElse("").equals("loraq-engine-c")) {
                    assigned.addAll(member.assignment().topicPartitions());
                }
            }
            if (assigned.containsAll(owned)) {
                return System.currentTimeMillis() - killedAt;
            }
            Thread.sleep(200);
        }
        return -1;
    }

    /** Waits until {@code members} engines each own at least one partition. */
    private static void awaitMembersWithPartitions(Workload workload, int members, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            ConsumerGroupDescription group = describe(workload);
            if (group != null && group.members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count() >= members) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(members + " engines did not all get partitions within " + timeout);
    }

    /** The group as the broker sees it; null before its first member joined. */
    private static ConsumerGroupDescription describe(Workload workload) throws Exception {
        try (Admin admin = workload.cluster().admin()) {
            Map<String, ConsumerGroupDescription> groups = admin.describeConsumerGroups(List.of(workload.groupId())).all()
                    .get(10, TimeUnit.SECONDS);
            return groups.get(workload.groupId());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return null;
            }
            throw e;
        }
    }
}
