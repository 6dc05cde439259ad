package dev.bbq.metrics;

import dev.bbq.QueueStats;

import java.util.function.Supplier;

/** The MXBean of one queue: every getter reads a fresh snapshot. */
final class QueueStatsBean implements QueueStatsMXBean {
    private final Supplier<QueueStats> stats;

    QueueStatsBean(Supplier<QueueStats> stats) {
        this.stats = stats;
    }

    @Override
    public int getCapacity() {
        return stats.get().capacity();
    }

    @Override
    public long getBytesInUse() {
        return stats.get().bytesInUse();
    }

    @Override
    public double getFill() {
        return stats.get().fill();
    }

    @Override
    public long getHighWaterMark() {
        return stats.get().highWaterMark();
    }

    @Override
    public long getBytesCommitted() {
        return stats.get().bytesCommitted();
    }

    @Override
    public long getFramesCommitted() {
        return stats.get().framesCommitted();
    }

    @Override
    public long getBytesReleased() {
        return stats.get().bytesReleased();
    }

    @Override
    public long getFramesReleased() {
        return stats.get().framesReleased();
    }

    @Override
    public long getGrantsRefused() {
        return stats.get().grantsRefused();
    }

    @Override
    public long getFramesDropped() {
        return stats.get().framesDropped();
    }

    @Override
    public long getBytesDropped() {
        return stats.get().bytesDropped();
    }

    @Override
    public long getProducerWaitNanos() {
        return stats.get().producerWaitNanos();
    }

    @Override
    public long getConsumerWaitNanos() {
        return stats.get().consumerWaitNanos();
    }
}
