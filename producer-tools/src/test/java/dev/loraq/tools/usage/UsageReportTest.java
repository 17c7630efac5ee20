package dev.loraq.tools.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Views, --since and the output formats of loraq usage over a fixed table. */
class UsageReportTest {

    private static final long H10 = Instant.parse("2026-11-05T10:00:00Z").toEpochMilli();
    private static final long H11 = Instant.parse("2026-11-05T11:00:00Z").toEpochMilli();
    private static final long D5 = Instant.parse("2026-11-05T00:00:00Z").toEpochMilli();
    private static final long D4 = Instant.parse("2026-11-04T00:00:00Z").toEpochMilli();

    private static final List<UsageRow> TABLE = List.of(
            new UsageRow("acme", "ad", "hour", H10, 2, 1, 10, 4, 1_000),
            new UsageRow("acme", "ad", "hour", H11, 3, 0, 30, 6, 3_000),
            new UsageRow("acme", null, "hour", H11, 1, 0, 5, 1, 500),
            new UsageRow("acme", "ad", "day", D5, 5, 1, 40, 10, 4_000),
            new UsageRow("acme", null, "day", D5, 1, 0, 5, 1, 500),
            new UsageRow("acme", "ad", "day", D4, 7, 0, 70, 7, 7_000),
            new UsageRow("globex", "ad", "day", D5, 1, 0, 1, 1, 1));

    @Test
    void shouldSumHourRowsPerTenantAndAdapter() {
        assertEquals(List.of(new UsageRow("acme", null, "adapter", 0, 1, 0, 5, 1, 500),
                new UsageRow("acme", "ad", "adapter", 0, 5, 1, 40, 10, 4_000)), UsageReport.of(TABLE, UsageView.ADAPTER, "acme", null));
        assertEquals(List.of(new UsageRow("acme", null, "adapter", 0, 1, 0, 5, 1, 500),
                        new UsageRow("acme", "ad", "adapter", 0, 3, 0, 30, 6, 3_000)),
                UsageReport.of(TABLE, UsageView.ADAPTER, "acme", Instant.parse("2026-11-05T11:30:00Z")), "--since counts from its hour");
    }

    @Test
    void shouldSumDayRowsOverAdaptersPerTenant() {
        assertEquals(List.of(new UsageRow("acme", null, "day", D4, 7, 0, 70, 7, 7_000), new UsageRow("acme", null, "day", D5, 6, 1, 45, 11, 4_500),
                new UsageRow("globex", null, "day", D5, 1, 0, 1, 1, 1)), UsageReport.of(TABLE, UsageView.DAY, null, null));
        assertEquals(List.of(new UsageRow("acme", null, "day", D5, 6, 1, 45, 11, 4_500), new UsageRow("globex", null, "day", D5, 1, 0, 1, 1, 1)),
                UsageReport.of(TABLE, UsageView.DAY, null, Instant.parse("2026-11-05T23:00:00Z")), "--since counts from its day");
    }

    @Test
    void shouldPrintTableCsvAndJson() {
        List<UsageRow> lines = UsageReport.of(TABLE, UsageView.ADAPTER, "acme", null);
        assertEquals("""
                TENANT  ADAPTER  REQUESTS  ERRORS  PROMPT_TOKENS  COMPLETION_TOKENS  ENGINE_SECONDS
                acme    base            1       0              5                  1           0.000
                acme    ad              5       1             40                 10           0.000
                """, print(UsageFormat.TABLE, lines, UsageView.ADAPTER));
        assertEquals("""
                tenant_id,adapter_id,requests,errors,prompt_tokens,completion_tokens,engine_nanos
                acme,,1,0,5,1,500
                acme,ad,5,1,40,10,4000
                """, print(UsageFormat.CSV, lines, UsageView.ADAPTER));
        assertEquals("""
                [{"tenant_id":"acme","day":"2026-11-05","requests":6,"errors":1,"prompt_tokens":45,"completion_tokens":11,"engine_nanos":4500}]
                """, print(UsageFormat.JSON, UsageReport.of(TABLE, UsageView.DAY, "acme", Instant.parse("2026-11-05T00:00:00Z")), UsageView.DAY));
        assertTrue(print(UsageFormat.CSV, List.of(new UsageRow("acme", "a,\"b", "adapter", 0, 1, 1, 0, 0, 0)), UsageView.ADAPTER)
                .contains("acme,\"a,\"\"b\",1,1"), "an adapter id with a comma and a quote is quoted");
    }

    @Test
    void shouldParseSinceAsTimeDateOrDurationAndNameBadValues() {
        Instant now = Instant.parse("2026-11-05T12:00:00Z");
        assertEquals(Instant.parse("2026-11-05T09:00:00Z"), UsageSince.parse("2026-11-05T10:00:00+01:00", now));
        assertEquals(Instant.parse("2026-11-05T00:00:00Z"), UsageSince.parse("2026-11-05", now));
        assertEquals(Instant.parse("2026-11-04T12:00:00Z"), UsageSince.parse("PT24H", now));
        assertEquals(Instant.parse("2026-10-29T12:00:00Z"), UsageSince.parse("P7D", now));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> UsageSince.parse("yesterday", now));
        assertTrue(bad.getMessage().contains("'yesterday'") && bad.getMessage().contains("PT24H"), bad.getMessage());
    }

    private static String print(UsageFormat format, List<UsageRow> lines, UsageView view) {
        StringWriter out = new StringWriter();
        format.write(lines, view, new PrintWriter(out));
        return out.toString().replace(System.lineSeparator(), "\n");
    }
}
