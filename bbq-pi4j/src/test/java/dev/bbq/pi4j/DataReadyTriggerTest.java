package dev.bbq.pi4j;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeEvent;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data-ready triggers, driven by a line whose level and edge events the test sets apart, as a
 * real line (or Pi4J's mock, which sets the state and then calls listeners) can deliver them.
 */
class DataReadyTriggerTest {
    private static final long SHORT = TimeUnit.MILLISECONDS.toNanos(30);

    /** A data-ready input: its level, and the listeners the trigger registered. */
    private static final class Line {
        volatile DigitalState level = DigitalState.LOW;
        final List<DigitalStateChangeListener> listeners = new ArrayList<>();
        final DigitalInput input = (DigitalInput) Proxy.newProxyInstance(DigitalInput.class.getClassLoader(),
                new Class<?>[] {DigitalInput.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "state":
                            return level;
                        case "addListener":
                            for (Object l : (Object[]) args[0]) {
                                listeners.add((DigitalStateChangeListener) l);
                            }
                            return proxy;
                        case "removeListener":
                            for (Object l : (Object[]) args[0]) {
                                listeners.remove(l);
                            }
                            return proxy;
                        case "id":
                            return "drdy";
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });

        @SuppressWarnings({"unchecked", "rawtypes"})
        void edge(DigitalState to) {
            for (DigitalStateChangeListener l : listeners) {
                l.onDigitalStateChange(new DigitalStateChangeEvent(input, to));
            }
        }
    }

    @Test
    void aLateEdgeForAPacketAlreadyReadIsNotASecondPacket() throws InterruptedException {
        Line line = new Line();
        PumpTrigger trigger = PumpTrigger.dataReady(line.input, DigitalState.HIGH);
        line.level = DigitalState.HIGH;              // the device has a packet; its edge is still on its way
        assertTrue(trigger.await(SHORT), "the level alone makes the transfer due");
        line.level = DigitalState.LOW;               // the transfer read it
        line.edge(DigitalState.HIGH);                // the listener runs late, for the same packet
        assertFalse(trigger.await(SHORT), "no second transfer: nothing is ready");
    }

    @Test
    void aMissedEdgeCostsNoPacket() throws InterruptedException {
        Line line = new Line();
        PumpTrigger trigger = PumpTrigger.dataReady(line.input, DigitalState.HIGH);
        assertFalse(trigger.await(SHORT));
        line.level = DigitalState.HIGH;              // no edge event at all
        assertTrue(trigger.await(TimeUnit.SECONDS.toNanos(5)));
        assertTrue(trigger.await(0), "due for as long as the line stays active");
    }

    @Test
    void pulsesCountOneTransferEachWhateverTheLevel() throws InterruptedException {
        Line line = new Line();
        PumpTrigger trigger = PumpTrigger.dataReadyPulse(line.input, DigitalState.HIGH);
        line.edge(DigitalState.HIGH);
        line.edge(DigitalState.LOW);                 // the other edge of a pulse counts for nothing
        line.edge(DigitalState.HIGH);
        assertTrue(trigger.await(SHORT));
        assertTrue(trigger.await(SHORT));
        assertFalse(trigger.await(SHORT), "two pulses, two transfers");
        line.level = DigitalState.HIGH;
        assertFalse(trigger.await(SHORT), "a pulse trigger ignores the level");
    }

    @Test
    void closingRemovesTheListener() {
        Line line = new Line();
        PumpTrigger trigger = PumpTrigger.dataReady(line.input, DigitalState.HIGH);
        assertEquals(1, line.listeners.size());
        trigger.close();
        assertEquals(0, line.listeners.size());
    }
}
