package dev.loraq.engine;

import dev.loraq.engine.cache.AdapterCacheStats;
import dev.loraq.engine.sched.SchedulerStats;

/** A live view of the engine's counters: the scheduler's and the adapter cache's. */
public record EngineStats(SchedulerStats scheduler, AdapterCacheStats adapters) {

    /** Share of adapter acquisitions served by a warm compute slot (the others copied an adapter into a slot). */
    public double warmHitRate() {
        long warm = adapters.warmHits();
        long all = warm + adapters.hostHits();
        return all == 0 ? 0 : (double) warm / all;
    }
}
