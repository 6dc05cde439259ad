/**
 * Serial ports as queue ends, over jSerialComm: a driver thread per direction moves bytes between
 * a UART and a raw bbq queue, so the application's threads only see the queue.
 *
 * <ul>
 *   <li>{@link dev.bbq.serial.SerialSettings} says how to open the port (line settings, read
 *       timeout) and how the drivers use it (staging array, overrun policy).</li>
 *   <li>{@link dev.bbq.serial.SerialConnection} is the open port, shared by one
 *       {@link dev.bbq.serial.SerialPump} (port to queue, owning a queue's producer) and one
 *       {@link dev.bbq.serial.SerialSink} (queue to port, owning a queue's consumer), each on its
 *       own driver thread.</li>
 *   <li>{@link dev.bbq.serial.SerialStats} is a snapshot of a driver's counters: transfers, bytes,
 *       overruns, errors.</li>
 * </ul>
 *
 * <p>Framing is not done here: put a {@link dev.bbq.wire.Deframer} behind a pump and a
 * {@link dev.bbq.wire.FrameEncoder} in front of a sink. The drivers copy through small staging
 * arrays rather than handing the ring to jSerialComm, which copies the whole array it is given on
 * every call.
 *
 * <p>A driver owns its queue half and closes it when it stops (a stop request, a port failure, or
 * the other side closing), so the memory consistency effects are the queue's (see {@link dev.bbq}):
 * bytes a pump commits are visible to the consumer that reads them, and the consumer sees the end
 * of the stream only after everything the pump committed.
 */
package dev.bbq.serial;
