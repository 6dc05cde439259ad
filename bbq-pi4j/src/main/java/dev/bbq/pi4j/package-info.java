/**
 * SPI and I2C devices as frame producers, over Pi4J 3: a pump thread reads one packet per trigger
 * from the device straight into a frame grant of a framed bbq queue, one frame per packet.
 *
 * <ul>
 *   <li>{@link dev.bbq.pi4j.SpiPump} clocks fixed-size or length-prefixed packets out of an SPI
 *       device; {@link dev.bbq.pi4j.I2cPump} reads a register block from an I2C device. Both are
 *       built from a port and the queue's {@link dev.bbq.FrameProducer}, which the pump owns and
 *       closes when it stops.</li>
 *   <li>{@link dev.bbq.pi4j.SpiPort} and {@link dev.bbq.pi4j.I2cPort} are the one call each pump
 *       makes on its device, with arrays and absolute offsets only, so tests can script a fake
 *       device and a heap queue's grant is filled in place.</li>
 *   <li>{@link dev.bbq.pi4j.PumpTrigger} says when a packet is due: polling at a fixed rate, or a
 *       data-ready GPIO line, by level or by pulse.</li>
 *   <li>{@link dev.bbq.pi4j.PumpStats} is a snapshot of a pump's counters, in which every trigger
 *       ends in exactly one outcome.</li>
 *   <li>{@link dev.bbq.pi4j.LinuxFsContext} builds the production Pi4J context with the LinuxFS
 *       providers, instead of auto-detection.</li>
 * </ul>
 *
 * <p>The memory consistency effects are the queue's (see {@link dev.bbq}): a packet the pump commits
 * is visible to the thread that receives its frame, and the consumer sees the end of the stream
 * only after every packet committed before the pump stopped.
 */
package dev.bbq.pi4j;
