package dev.bbq.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.bbq.BBQueue;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.net.URLClassLoader;

import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

/**
 * Micrometer is an optional dependency: with only bbq-metrics and bbq-core on the class path, JMX
 * and JFR work, and only binding meters fails.
 */
class WithoutMicrometerTest {

    @Test
    void jmxAndJfrWorkWithoutMicrometerOnTheClassPath() throws Throwable {
        URL metrics = QueueMetrics.class.getProtectionDomain().getCodeSource().getLocation();
        URL core = BBQueue.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {metrics, core}, ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class,
                    () -> Class.forName("io.micrometer.core.instrument.MeterRegistry", false, loader));
            Class<?> queueClass = Class.forName("dev.bbq.BBQueue", true, loader);
            Class<?> metricsClass = Class.forName("dev.bbq.metrics.QueueMetrics", true, loader);
            Class<?> registrationClass = Class.forName("dev.bbq.metrics.Registration", true, loader);
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Object queue = lookup.findStatic(queueClass, "allocate", MethodType.methodType(queueClass, int.class))
                    .invoke(4096);
            MethodHandle close = lookup.findVirtual(registrationClass, "close", MethodType.methodType(void.class));

            String name = "dev.bbq.test:type=Queue,name=withoutMicrometer";
            Object jmx = lookup.findStatic(metricsClass, "registerMBean",
                    MethodType.methodType(registrationClass, String.class, queueClass)).invoke(name, queue);
            assertEquals(4096, ManagementFactory.getPlatformMBeanServer().getAttribute(new ObjectName(name), "Capacity"));
            close.invoke(jmx);

            Object jfr = lookup.findStatic(metricsClass, "recordJfr",
                    MethodType.methodType(registrationClass, String.class, queueClass)).invoke("withoutMicrometer", queue);
            close.invoke(jfr);
        }
    }
}
