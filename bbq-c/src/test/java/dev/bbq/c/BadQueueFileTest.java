package dev.bbq.c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bbq.BBQueue;
import dev.bbq.CorruptQueueFileException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bbq_open refuses every file openMapped refuses, with -EBADMSG and a message naming the field, and
 * never crashes: each damaged copy of a good queue file is opened by the C peer and by Java.
 */
class BadQueueFileTest {
    static final int EBADMSG = 74;
    static final int EINVAL = 22;
    static final int EACCES = 13;
    static final int ELOOP = 40;
    static final int CAPACITY = 4096;

    @TempDir
    Path dir;
    byte[] good;

    @BeforeEach
    void createAGoodFile() throws Exception {
        Path file = dir.resolve("good.bbq");
        BBQueue.createMapped(file, CAPACITY);
        good = Files.readAllBytes(file);
    }

    @Test
    void damagedHeadersAreRefusedByCAsByJava() throws Exception {
        List<Damage> damages = List.of(
                new Damage("shorter than a queue file's 4096-byte header", new byte[0]),
                new Damage("shorter than a queue file's 4096-byte header", Arrays.copyOf(good, 4000)),
                new Damage("is truncated", Arrays.copyOf(good, good.length - 1)),
                new Damage("not a bbq queue file", patch(b -> b.putLong(0, 0x4242515545554532L))),
                new Damage("layout version is 1", patch(b -> b.putInt(8, 1))),
                new Damage("other byte order", patch(b -> b.putInt(16, Integer.reverseBytes(0x01020304)))),
                new Damage("capacity field is 0", patch(b -> b.putInt(12, 0))),
                new Damage("capacity field is -5", patch(b -> b.putInt(12, -5))),
                new Damage("capacity field is 2147483647", patch(b -> b.putInt(12, Integer.MAX_VALUE))),
                new Damage("is truncated", patch(b -> b.putInt(12, CAPACITY * 2))), // a capacity the file lacks
                new Damage("data offset is 8192", patch(b -> b.putInt(24, 8192))),
                new Damage("mode field is 3", patch(b -> b.putInt(20, 3))),
                new Damage("not ready", patch(b -> b.putInt(28, 0))),
                new Damage("producer pid field is -1", patch(b -> b.putLong(32, -1))),
                new Damage("consumer attaches field is -7", patch(b -> b.putLong(56, -7))),
                new Damage("frames cut field is -1", patch(b -> b.putLong(64, -1))),
                new Damage("write index is 4097", patch(b -> b.putInt(128, CAPACITY + 1))),
                new Damage("watermark is -1", patch(b -> b.putInt(132, -1))),
                new Damage("commit start is 5000", patch(b -> b.putInt(136, 5000))),
                new Damage("read index is -2", patch(b -> b.putInt(256, -2))),
                new Damage("closed flag is 2", patch(b -> b.putInt(512, 2))),
                new Damage("closed flag is 9", patch(b -> b.putInt(384, 9))));

        List<Path> paths = new ArrayList<>();
        int i = 0;
        for (Damage damage : damages) {
            Path path = dir.resolve("bad-" + i++ + ".bbq");
            Files.write(path, damage.bytes);
            paths.add(path);
        }
        List<String> lines = openInC(paths);
        i = 0;
        for (Damage damage : damages) {
            String line = lines.get(i);
            assertTrue(line.startsWith(-EBADMSG + "\t") && line.contains(damage.named),
                    "file " + i + " (" + damage.named + "): " + line);
            Path path = paths.get(i++);
            CorruptQueueFileException java = assertThrows(CorruptQueueFileException.class, () -> BBQueue.openMapped(path));
            assertTrue(java.getMessage().contains(damage.named), "Java says: " + java.getMessage());
        }
    }

    @Test
    void aGoodFileOpens() throws Exception {
        Path path = dir.resolve("copy.bbq");
        Files.write(path, good);
        assertEquals(List.of("0\topened"), openInC(List.of(path)));
    }

    @Test
    void untrustedPathsAreRefusedAsJavaRefusesThem() throws Exception {
        Path target = dir.resolve("target.bbq");
        Files.write(target, good);
        Path link = Files.createSymbolicLink(dir.resolve("link.bbq"), target);
        Path directory = Files.createDirectory(dir.resolve("directory.bbq"));
        Path groupWritable = dir.resolve("group-writable.bbq");
        Files.write(groupWritable, good);
        Files.setPosixFilePermissions(groupWritable, PosixFilePermissions.fromString("rw-rw----"));
        Path worldWritable = dir.resolve("world-writable.bbq");
        Files.write(worldWritable, good);
        Files.setPosixFilePermissions(worldWritable, PosixFilePermissions.fromString("rw-rw-rw-"));
        Path missing = dir.resolve("missing.bbq");

        List<String> lines = openInC(List.of(link, directory, groupWritable, worldWritable, missing));
        assertTrue(lines.get(0).startsWith(-ELOOP + "\t") && lines.get(0).contains("symbolic link"), lines.get(0));
        assertTrue(lines.get(1).startsWith(-EINVAL + "\t") && lines.get(1).contains("directory"), lines.get(1));
        assertTrue(lines.get(2).startsWith(-EACCES + "\t") && lines.get(2).contains("group may write"), lines.get(2));
        assertTrue(lines.get(3).startsWith(-EACCES + "\t") && lines.get(3).contains("never accepted"), lines.get(3));
        assertTrue(lines.get(4).startsWith("-2\t") && lines.get(4).contains("missing.bbq"), lines.get(4));
    }

    /** A damaged file and the words both sides' messages must contain. */
    private record Damage(String named, byte[] bytes) {
    }

    private byte[] patch(Consumer<ByteBuffer> change) {
        byte[] copy = good.clone();
        change.accept(ByteBuffer.wrap(copy).order(ByteOrder.nativeOrder()));
        return copy;
    }

    private static List<String> openInC(List<Path> paths) throws Exception {
        List<Object> args = new ArrayList<>(List.of("open"));
        args.addAll(paths);
        CPrograms.Result result = CPrograms.run(CPrograms.command(CPrograms.peer(), args.toArray()), 60);
        assertEquals(0, result.exit, result.output);
        List<String> lines = result.output.lines().toList();
        assertEquals(paths.size(), lines.size(), result.output);
        return lines;
    }
}
