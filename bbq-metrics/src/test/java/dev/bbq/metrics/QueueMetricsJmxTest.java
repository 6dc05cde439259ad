package dev.bbq.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.BBQueue;
import dev.bbq.QueueStats;
import dev.bbq.wire.Deframer;
import dev.bbq.wire.DeframerStats;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.JMX;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

@SuppressWarnings("try") // a registration's scope is its try block; the body reads what it published
class QueueMetricsJmxTest {
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    @Test
    void queueAttributesReadBackThroughThePlatformServer() throws Exception {
        Fixtures.Busy busy = Fixtures.busyQueue();
        BBQueue queue = busy.queue;
        ObjectName name = new ObjectName("dev.bbq.test:type=Queue,name=busy");
        try (Registration registration = QueueMetrics.registerMBean(name.toString(), queue)) {
            QueueStats stats = queue.stats();
            assertEquals(1024, server.getAttribute(name, "Capacity"));
            assertEquals(stats.bytesInUse(), server.getAttribute(name, "BytesInUse"));
            assertEquals(stats.fill(), (Double) server.getAttribute(name, "Fill"), 1e-12);
            assertEquals(stats.highWaterMark(), server.getAttribute(name, "HighWaterMark"));
            assertEquals(stats.bytesCommitted(), server.getAttribute(name, "BytesCommitted"));
            assertEquals(stats.framesCommitted(), server.getAttribute(name, "FramesCommitted"));
            assertEquals(stats.bytesReleased(), server.getAttribute(name, "BytesReleased"));
            assertEquals(2L, server.getAttribute(name, "FramesReleased"));
            assertEquals(stats.grantsRefused(), server.getAttribute(name, "GrantsRefused"));
            assertEquals(1L, server.getAttribute(name, "FramesDropped"));
            assertEquals(100L, server.getAttribute(name, "BytesDropped"));
            assertEquals(stats.producerWaitNanos(), server.getAttribute(name, "ProducerWaitNanos"));
            assertEquals(stats.consumerWaitNanos(), server.getAttribute(name, "ConsumerWaitNanos"));

            assertTrue(JMX.isMXBeanInterface(QueueStatsMXBean.class));
            QueueStatsMXBean proxy = JMX.newMXBeanProxy(server, name, QueueStatsMXBean.class);
            busy.consumer.tryRead().release();
            assertEquals(3, proxy.getFramesReleased(), "every read is a fresh snapshot");
            assertEquals(queue.stats().bytesInUse(), proxy.getBytesInUse());
        }
        assertFalse(server.isRegistered(name), "close() unregisters the MBean");
    }

    @Test
    void allAttributesAreOpenTypeNumbers() throws Exception {
        ObjectName name = new ObjectName("dev.bbq.test:type=Queue,name=types");
        try (Registration registration = QueueMetrics.registerMBean(name.toString(), BBQueue.allocate(256))) {
            MBeanInfo info = server.getMBeanInfo(name);
            assertEquals("true", info.getDescriptor().getFieldValue("mxbean"));
            assertEquals(13, info.getAttributes().length);
            for (MBeanAttributeInfo attribute : info.getAttributes()) {
                assertTrue(Arrays.asList("int", "long", "double").contains(attribute.getType()),
                        attribute.getName() + " is " + attribute.getType());
                assertTrue(attribute.isReadable() && !attribute.isWritable(), attribute.getName());
            }
        }
    }

    @Test
    void deframerSourceHasOneAttributePerStatistic() throws Exception {
        Deframer deframer = Fixtures.busyDeframer();
        ObjectName name = new ObjectName("dev.bbq.test:type=Deframer,name=uart0");
        try (Registration registration = QueueMetrics.registerMBean(name.toString(), StatsSource.deframer(deframer))) {
            DeframerStats stats = deframer.stats();
            assertEquals(2L, server.getAttribute(name, "framesDelivered"));
            assertEquals(stats.bytesRead(), server.getAttribute(name, "bytesRead"));
            assertEquals(1L, server.getAttribute(name, "crcErrors"));
            assertEquals(1L, server.getAttribute(name, "malformedFrames"));
            assertEquals(stats.bytesDiscarded(), server.getAttribute(name, "bytesDiscarded"));
            AttributeList list = server.getAttributes(name, new String[] {"bytesDelivered", "oversizeFrames"});
            List<Attribute> attributes = list.asList();
            assertEquals(16L, attributes.get(0).getValue());
            assertEquals(0L, attributes.get(1).getValue());
            assertEquals(8, server.getMBeanInfo(name).getAttributes().length);
            assertThrows(javax.management.AttributeNotFoundException.class, () -> server.getAttribute(name, "nope"));
        }
        assertFalse(server.isRegistered(name));
    }

    @Test
    void aCustomSourceReadsThroughItsSupplier() throws Exception {
        long[] transfers = {0};
        StatsSource<long[]> pump = StatsSource.builder("serial.pump", () -> transfers.clone())
                .counter("transfers", t -> t[0])
                .gauge("backlog", t -> 7)
                .build();
        ObjectName name = new ObjectName("dev.bbq.test:type=SerialPump,name=ttyAMA0");
        try (Registration registration = QueueMetrics.registerMBean(name.toString(), pump)) {
            assertEquals(0L, server.getAttribute(name, "transfers"));
            transfers[0] = 42;
            assertEquals(42L, server.getAttribute(name, "transfers"));
            assertEquals(7L, server.getAttribute(name, "backlog"));
        }
    }

    @Test
    void namesAreCheckedAndCloseIsIdempotent() throws Exception {
        BBQueue queue = BBQueue.allocate(256);
        assertThrows(IllegalArgumentException.class, () -> QueueMetrics.registerMBean("no colon", queue));
        assertThrows(IllegalArgumentException.class, () -> QueueMetrics.registerMBean("dev.bbq:type=*", queue));
        Registration first = QueueMetrics.registerMBean("dev.bbq.test:type=Queue,name=twice", queue);
        try {
            assertThrows(IllegalStateException.class,
                    () -> QueueMetrics.registerMBean("dev.bbq.test:type=Queue,name=twice", queue));
        } finally {
            first.close();
        }
        first.close();
        assertFalse(server.isRegistered(new ObjectName("dev.bbq.test:type=Queue,name=twice")));
        QueueMetrics.registerMBean("dev.bbq.test:type=Queue,name=twice", queue).close(); // the name is free again
    }
}
