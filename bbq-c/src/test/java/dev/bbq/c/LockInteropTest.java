package dev.bbq.c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.BBQueue;
import dev.bbq.FrameProducer;
import dev.bbq.QueueFileStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The halves' kernel locks are the same locks on both sides: Java's FileChannel record lock and
 * the C side's open-file-description lock on the same byte exclude each other, and a half is
 * free again when its holder lets go.
 */
class LockInteropTest {
    static final int EBUSY = 16;
    static final int EINVAL = 22;

    @TempDir
    Path dir;

    @Test
    void javaCannotTakeAHalfACProcessHoldsAndCanOnceItEnds() throws Exception {
        Path file = dir.resolve("q.bbq");
        BBQueue queue = BBQueue.createMapped(file, 4096);
        Process c = CPrograms.start(CPrograms.command(CPrograms.peer(), "hold", file, "producer"));
        BufferedReader out = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("0\theld", out.readLine());
        assertTrue(QueueFileStatus.read(file).isProducerHeld(), "Java's probe sees the C process's lock");
        assertEquals(c.pid(), QueueFileStatus.read(file).producerPid());

        IllegalStateException refused = assertThrows(IllegalStateException.class, queue::frameProducer);
        assertTrue(refused.getMessage().contains("held by process " + c.pid()), refused.getMessage());

        c.getOutputStream().close(); // the C process lets go and ends
        assertEquals(0, c.waitFor());
        FrameProducer producer = queue.frameProducer();
        assertTrue(producer.tryWrite(new byte[] {1, 2, 3}, 0, 3));
        assertEquals(2, QueueFileStatus.read(file).producerAttaches());
    }

    @Test
    void aCProcessCannotTakeAHalfThisJvmHolds() throws Exception {
        Path file = dir.resolve("q.bbq");
        BBQueue.createMapped(file, 4096).frameConsumer();
        CPrograms.Result result = CPrograms.run(CPrograms.command(CPrograms.peer(), "take", file, "consumer"), 60);
        assertTrue(result.output.startsWith(-EBUSY + "\t"), result.output);
        assertTrue(result.output.contains("held by process " + ProcessHandle.current().pid()), result.output);
    }

    @Test
    void aCProcessCanTakeTheOtherHalf() throws Exception {
        Path file = dir.resolve("q.bbq");
        BBQueue.createMapped(file, 4096).frameConsumer();
        CPrograms.Result result = CPrograms.run(CPrograms.command(CPrograms.peer(), "take", file, "producer"), 60);
        assertEquals("0\theld", result.output.strip());
    }

    @Test
    void aCProcessCannotTakeARawHalfOfAFramedQueue() throws Exception {
        Path file = dir.resolve("q.bbq");
        BBQueue.createMapped(file, 4096).frameConsumer();
        CPrograms.Result result = CPrograms.run(CPrograms.command(CPrograms.peer(), "take", file, "raw-producer"), 60);
        assertTrue(result.output.startsWith(-EINVAL + "\t") && result.output.contains("framed"), result.output);
    }
}
