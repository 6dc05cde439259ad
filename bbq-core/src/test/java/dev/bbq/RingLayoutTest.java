package dev.bbq;

import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.FieldLayout;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The padding that keeps the producer's and the consumer's private fields on different cache lines
 * works only if HotSpot lays the fields out as intended, which changed in JDK 15 (subclass fields
 * fill holes in superclass layouts). This test reads the real layout on the JDK it runs on.
 */
class RingLayoutTest {
    private static final int LINE = 64;

    /** The fields {@code type} inherits from {@code declaring}. */
    private static List<FieldLayout> fields(Class<?> type, Class<?> declaring) {
        List<FieldLayout> result = new ArrayList<>();
        for (FieldLayout f : ClassLayout.parseClass(type).fields()) {
            if (f.classShortName().equals(declaring.getSimpleName())) {
                result.add(f);
            }
        }
        return result;
    }

    private static long first(List<FieldLayout> fields) {
        return fields.stream().mapToLong(FieldLayout::offset).min().orElseThrow();
    }

    private static long end(List<FieldLayout> fields) {
        return fields.stream().mapToLong(f -> f.offset() + f.size()).max().orElseThrow();
    }

    @Test
    void producerAndConsumerFieldsOfTheRingAreAtLeastACacheLineApart() {
        List<FieldLayout> producer = fields(Ring.class, RingProducerFields.class);
        List<FieldLayout> consumer = fields(Ring.class, RingConsumerFields.class);
        assertTrue(producer.size() > 5 && consumer.size() > 5);
        long gap = first(consumer) - end(producer);
        assertTrue(gap >= LINE, "consumer fields start " + gap + " bytes after the producer's end:\n"
                + ClassLayout.parseClass(Ring.class).toPrintable());
        assertTrue(first(producer) >= LINE, "producer fields too close to the object's start");
        long tail = ClassLayout.parseClass(Ring.class).instanceSize() - end(consumer);
        assertTrue(tail >= LINE, "consumer fields too close to the object's end: " + tail);
    }

    @Test
    void producerAndConsumerCountersAreAtLeastACacheLineApartAndFromEitherEnd() {
        List<FieldLayout> producer = fields(Counters.class, CountersProducer.class);
        List<FieldLayout> consumer = fields(Counters.class, CountersConsumer.class);
        ClassLayout layout = ClassLayout.parseClass(Counters.class);
        assertTrue(producer.size() == 7 && consumer.size() == 4, layout.toPrintable());
        assertTrue(first(consumer) - end(producer) >= LINE, layout.toPrintable());
        assertTrue(first(producer) >= LINE, layout.toPrintable());
        assertTrue(layout.instanceSize() - end(consumer) >= LINE, layout.toPrintable());
    }

    @Test
    void aSidesGrantIdsSitAtLeastACacheLineFromEitherEndOfTheirObject() {
        List<FieldLayout> ids = fields(GrantIds.class, GrantIdsFields.class);
        ClassLayout layout = ClassLayout.parseClass(GrantIds.class);
        assertTrue(ids.size() == 2, layout.toPrintable());
        assertTrue(first(ids) >= LINE, layout.toPrintable());
        assertTrue(layout.instanceSize() - end(ids) >= LINE, layout.toPrintable());
    }

    @Test
    void aWaitersFlagsSitAtLeastACacheLineFromEitherEndOfItsObject() {
        ClassLayout layout = ClassLayout.parseClass(ParkingWaiter.class);
        List<FieldLayout> flags = new ArrayList<>();
        for (FieldLayout f : layout.fields()) {
            if (f.name().equals("thread") || f.name().equals("peerClosed")) {
                flags.add(f);
            }
        }
        assertTrue(flags.size() == 2);
        assertTrue(first(flags) >= LINE, layout.toPrintable());
        assertTrue(layout.instanceSize() - end(flags) >= LINE, layout.toPrintable());
    }

    @Test
    void theFieldsEveryGrantCallRewritesSitAtLeastACacheLineFromEitherEndOfAReusableGrant() {
        for (Class<?> grant : new Class<?>[] {ReusableWriteGrant.class, ReusableReadGrant.class, FrameBatch.class}) {
            ClassLayout layout = ClassLayout.parseClass(grant);
            List<FieldLayout> written = new ArrayList<>();
            for (FieldLayout f : layout.fields()) {
                if (f.classShortName().endsWith("GrantFields")) {
                    written.add(f);
                }
            }
            assertTrue(written.size() >= 4, layout.toPrintable());
            assertTrue(first(written) >= LINE, layout.toPrintable());
            assertTrue(layout.instanceSize() - end(written) >= LINE, layout.toPrintable());
        }
    }

    @Test
    void theRingReferenceEveryCallLoadsSitsAtLeastACacheLineFromEitherEndOfEachHalf() {
        for (Class<?> half : new Class<?>[] {Producer.class, Consumer.class, FrameProducer.class, FrameConsumer.class}) {
            ClassLayout layout = ClassLayout.parseClass(half);
            List<FieldLayout> ring = new ArrayList<>();
            for (FieldLayout f : layout.fields()) {
                if (!f.name().matches("[pq][0-9]{3}")) {
                    ring.add(f);
                }
            }
            assertTrue(ring.size() == 1 && ring.get(0).name().equals("ring"), layout.toPrintable());
            assertTrue(first(ring) >= LINE, layout.toPrintable());
            assertTrue(layout.instanceSize() - end(ring) >= LINE, layout.toPrintable());
        }
    }
}
