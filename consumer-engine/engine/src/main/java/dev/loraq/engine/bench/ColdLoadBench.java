package dev.loraq.engine.bench;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import dev.loraq.engine.backend.BackendOptions;
import dev.loraq.engine.backend.cpu.CpuBackend;
import dev.loraq.engine.cache.AdapterCache;
import dev.loraq.engine.generation.AdapterLoadKind;
import dev.loraq.engine.lora.LocalFolderAdapterSource;
import dev.loraq.engine.lora.PackedBufferPool;
import dev.loraq.engine.model.LlamaModel;
import dev.loraq.engine.model.ModelConfig;
import dev.loraq.engine.model.Projection;
import dev.loraq.engine.model.WeightFormat;
import dev.loraq.engine.observe.EngineObserver;
import dev.loraq.engine.synth.ModelPreset;

/**
 * The {@code cold-load} scenario: an adapter (all seven projections) goes from its safetensors file (in the page
 * cache) into an installed compute slot along the engine's own cold path: {@link AdapterCache#load} reads and packs it
 * on the loader thread, {@link AdapterCache#collectLoads} puts it into a full host tier (which evicts the least
 * recently used adapter), {@link AdapterCache#tryAcquire} installs it into the slot. Two legs, each its own backend
 * and cache cycling over more adapters than its host tier holds, so every measured load is cold: {@code recycled}
 * (the engine's default: the load fills the packed array of an evicted adapter) and {@code fresh} (recycling off:
 * a new array per load, as the first loads after a start are). Loads alternate between the legs, the order swapped
 * each time (the first of a pair is favoured on a busy machine).
 */
public final class ColdLoadBench {
    public record Settings(String preset, int rank, int loads, int threads) {
        public static Settings defaults() {
            return new Settings("1b", 16, 15, 0);
        }
    }

    /** Adapters each leg cycles over: one more than its slot and host tier hold together, so none is ever warm. */
    private static final int ADAPTERS = 3;
    /** Unmeasured loads per leg first: warm the JIT and the page cache, and fill the host tier and the pool. */
    private static final int WARMUP_LOADS = 2 * ADAPTERS;

    private ColdLoadBench() {
    }

    public static Map<String, Object> run(Path cacheDir, Settings s) {
        ModelPreset preset = ModelPreset.byName(s.preset());
        Path dir = BenchModels.model(cacheDir, preset);
        Set<Projection> all = EnumSet.allOf(Projection.class);
        String[] ids = new String[ADAPTERS];
        Path adaptersRoot = null;
        for (int a = 0; a < ADAPTERS; a++) {
            Path adapterDir = BenchModels.adapter(cacheDir, preset, s.rank(), all, a);
            ids[a] = adapterDir.getFileName().toString();
            adaptersRoot = adapterDir.getParent();
        }
        LocalFolderAdapterSource source = new LocalFolderAdapterSource(adaptersRoot);
        try (LlamaModel model = LlamaModel.load(dir);
             Leg recycled = new Leg(model, source, s, new PackedBufferPool(2));
             Leg fresh = new Leg(model, source, s, PackedBufferPool.none())) {
            for (int i = 0; i < WARMUP_LOADS; i++) {
                recycled.coldLoad(ids[i % ADAPTERS], -1);
                fresh.coldLoad(ids[i % ADAPTERS], -1);
            }
            for (int i = 0; i < s.loads(); i++) {
                String id = ids[(WARMUP_LOADS + i) % ADAPTERS];
                Leg first = i % 2 == 0 ? recycled : fresh;
                Leg second = first == recycled ? fresh : recycled;
                first.coldLoad(id, i);
                second.coldLoad(id, i);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("scenario", "cold-load");
            out.put("measures", "AdapterCache cold path: load() reads the safetensors file (page cache) on the loader "
                    + "thread, collectLoads() puts it into a full host tier, tryAcquire() installs it into a slot; "
                    + "recycled = fills an evicted adapter's array (engine default), fresh = a new array per load");
            out.put("preset", preset.name());
            out.put("rank", s.rank());
            out.put("loads", s.loads());
            out.put("order", "legs alternate, order swapped each load");
            out.put("adapterBytes", packedBytes(model.config(), s.rank()));
            // The flat keys are the engine's default path, as earlier runs printed them.
            out.put("medianMs", DecodeLoop.round(DecodeLoop.median(recycled.total), 2));
            out.put("medianFileToHostMs", DecodeLoop.round(DecodeLoop.median(recycled.fileToHost), 2));
            out.put("medianHostToSlotMs", DecodeLoop.round(DecodeLoop.median(recycled.hostToSlot), 2));
            out.put("recycled", recycled.figures());
            out.put("fresh", fresh.figures());
            out.put("freshOverRecycled", DecodeLoop.round(
                    DecodeLoop.median(fresh.total) / DecodeLoop.median(recycled.total), 2));
            return out;
        }
    }

    /** Bytes of an adapter's f32 matrices over all seven projections of every layer. */
    private static long packedBytes(ModelConfig c, int rank) {
        long floats = 0;
        for (Projection p : Projection.values()) {
            floats += (long) rank * (c.inFeatures(p) + c.outFeatures(p));
        }
        return 4L * floats * c.numHiddenLayers();
    }

    /** One backend and cache and the times of its measured loads. */
    private static final class Leg implements AutoCloseable, EngineObserver {
        private final CpuBackend backend;
        private final AdapterCache cache;
        private final PackedBufferPool buffers;
        private final double[] total;
        private final double[] fileToHost;
        private final double[] hostToSlot;
        private long diskNanos;
        private long installNanos;

        Leg(LlamaModel model, LocalFolderAdapterSource source, Settings s, PackedBufferPool buffers) {
            this.backend = new CpuBackend(model, new BackendOptions(1, s.rank(), 4, 16, 1, WeightFormat.BF16,
                    s.threads()));
            // max.cpu.loras = max.loras = 1, the smallest host tier: each load evicts the adapter loaded before last.
            this.cache = new AdapterCache(source, backend, 1, s.rank(), buffers);
            this.buffers = buffers;
            this.total = new double[s.loads()];
            this.fileToHost = new double[s.loads()];
            this.hostToSlot = new double[s.loads()];
            cache.observe(this);
        }

        /** Loads an adapter not resident in this leg's cache into its slot; records the times at {@code index} >= 0. */
        void coldLoad(String id, int index) {
            if (cache.residency(id) != AdapterCache.Residency.ABSENT) {
                throw new IllegalStateException("adapter " + id + " is not cold: " + cache.residency(id));
            }
            long start = System.nanoTime();
            cache.load(id);
            AdapterCache.Lease lease;
            while ((lease = cache.tryAcquire(id)) == null) {
                LockSupport.parkNanos(10_000);
                cache.collectLoads();
                RuntimeException failure = cache.takeFailure(id);
                if (failure != null) {
                    throw failure;
                }
            }
            long end = System.nanoTime();
            cache.release(lease.slot());
            if (index >= 0) {
                total[index] = (end - start) / 1e6;
                fileToHost[index] = diskNanos / 1e6;
                hostToSlot[index] = installNanos / 1e6;
            }
        }

        @Override
        public void adapterLoaded(String adapterId, AdapterLoadKind tier, long nanos) {
            if (tier == AdapterLoadKind.DISK) {
                diskNanos = nanos;
            } else if (tier == AdapterLoadKind.HOST) {
                installNanos = nanos;
            }
        }

        Map<String, Object> figures() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("totalMs", Spread.of(total, 2));
            m.put("fileToHostMs", Spread.of(fileToHost, 2));
            m.put("hostToSlotMs", Spread.of(hostToSlot, 3));
            m.put("recycledBuffers", buffers.reused());
            return m;
        }

        @Override
        public void close() {
            cache.close();
            backend.close();
        }
    }
}
