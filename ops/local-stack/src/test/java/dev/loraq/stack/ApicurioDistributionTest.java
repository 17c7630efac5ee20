package dev.loraq.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApicurioDistributionTest {

    @Test
    void shouldExtractArchiveOnceIntoVersionedCacheFolder(@TempDir Path cache) throws Exception {
        ApicurioDistribution first = ApicurioDistribution.prepare(Optional.empty(), Optional.of(cache));
        assertEquals(cache.resolve("apicurio-" + first.version()), first.home());
        assertTrue(Files.isRegularFile(first.runJar()), "quarkus-run.jar extracted");
        FileTime extractedAt = Files.getLastModifiedTime(first.home());

        ApicurioDistribution second = ApicurioDistribution.prepare(Optional.empty(), Optional.of(cache));
        assertEquals(first.home(), second.home());
        assertEquals(extractedAt, Files.getLastModifiedTime(second.home()), "second prepare reuses the folder");
    }

    @Test
    void shouldNameMissingArchiveAndHowToGetIt(@TempDir Path cache) {
        Path missing = cache.resolve("no-such-apicurio.tar.gz");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ApicurioDistribution.prepare(Optional.of(missing), Optional.of(cache)));
        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains(ApicurioDistribution.ARCHIVE_PROPERTY),
                e.getMessage());
    }
}
