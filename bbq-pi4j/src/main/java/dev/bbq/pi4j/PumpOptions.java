package dev.bbq.pi4j;

import dev.bbq.FrameProducer;
import java.util.Objects;

/**
 * What {@link SpiPump.Builder} and {@link I2cPump.Builder} both set, with the same checks and
 * defaults: the framed queue's producer, the trigger and how many failed device calls in a row stop
 * the pump. Each builder keeps its own public methods (and their documentation) and hands these
 * to {@link PumpDriver}.
 */
final class PumpOptions {
    final FrameProducer out;
    PumpTrigger trigger;
    int maxConsecutiveFailures = 10;

    PumpOptions(FrameProducer out, PumpTrigger defaultTrigger) {
        this.out = Objects.requireNonNull(out, "out");
        this.trigger = defaultTrigger;
    }

    void trigger(PumpTrigger trigger) {
        this.trigger = Objects.requireNonNull(trigger, "trigger");
    }

    void maxConsecutiveFailures(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("max consecutive failures " + n + ": must be at least 1");
        }
        this.maxConsecutiveFailures = n;
    }

    /** Checks that a packet of {@code bytes} fits one frame of the queue; {@code what} names it ("packet", "block"). */
    void checkLength(String what, int bytes) {
        if (bytes < 1 || bytes > out.maxFrameLength()) {
            throw new IllegalArgumentException(what + " of " + bytes + " bytes: must be 1 to " + out.maxFrameLength()
                    + ", the largest frame the queue holds");
        }
    }
}
