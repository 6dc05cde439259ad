package dev.bbq.pi4j;

import dev.bbq.FrameProducer;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The I2C driver thread: on each trigger, reads one block of registers from the device straight
 * into a frame grant, one frame per read. I2C has no "data available": poll it
 * ({@link PumpTrigger#polling(long, TimeUnit)}, the default at 100 Hz) or use the device's
 * data-ready output ({@link PumpTrigger#dataReady}).
 *
 * <pre>{@code
 * I2cPump pump = I2cPump.builder(I2cPort.of(i2c), queue.frameProducer())
 *         .register(0x3B).length(14)                           // e.g. an MPU-6050's sensor block
 *         .trigger(PumpTrigger.polling(10, TimeUnit.MILLISECONDS))
 *         .start();
 * }</pre>
 *
 * <p>See {@link PumpDriver} for the queue side, drops and stopping.
 */
public final class I2cPump extends PumpDriver {
    private final I2cPort port;
    private final int register;
    private final int length;

    private I2cPump(Builder b) {
        super("bbq-i2c-pump", b.options, b.length);
        this.port = b.port;
        this.register = b.register;
        this.length = b.length;
    }

    /**
     * Starts configuring a pump that moves packets from an I2C device into a framed queue.
     *
     * @param port the I2C device ({@link I2cPort#of(com.pi4j.io.i2c.I2C)} for Pi4J)
     * @param out the framed queue's producer; the pump owns it once started and closes it when it stops
     * @return a builder
     */
    public static Builder builder(I2cPort port, FrameProducer out) {
        return new Builder(port, out);
    }

    @Override
    void pumpOne() throws IOException {
        readPacket(length);
    }

    @Override
    boolean read(byte[] rx, int off, int len) {
        add(TRANSFERS, 1);
        return port.readRegister(register, rx, off, len) >= 0;
    }

    @Override
    String device() {
        return "I2C device, register 0x" + Integer.toHexString(register);
    }

    /** Configures and starts an {@link I2cPump}. */
    public static final class Builder {
        private final I2cPort port;
        private final PumpOptions options;
        private int register = -1;
        private int length;

        private Builder(I2cPort port, FrameProducer out) {
            this.port = Objects.requireNonNull(port, "port");
            this.options = new PumpOptions(out, PumpTrigger.polling(10, TimeUnit.MILLISECONDS));
        }

        /**
         * Sets where the packet is read from: the block starts at this register.
         *
         * @param register the first register of the block, 0 to 255
         * @return this builder
         */
        public Builder register(int register) {
            if (register < 0 || register > 0xFF) {
                throw new IllegalArgumentException("register " + register + ": must be 0 to 255");
            }
            this.register = register;
            return this;
        }

        /**
         * Sets the packet size: every read fetches one block of this many bytes as one frame.
         *
         * @param bytes the block's length, 1 to the queue's {@link FrameProducer#maxFrameLength()}
         * @return this builder
         */
        public Builder length(int bytes) {
            options.checkLength("block", bytes);
            this.length = bytes;
            return this;
        }

        /**
         * Chooses what makes the pump read a packet: a timer or the device's data-ready line.
         *
         * @param trigger when to read; polling at 100 Hz by default. The pump closes it when it stops.
         * @return this builder
         */
        public Builder trigger(PumpTrigger trigger) {
            options.trigger(trigger);
            return this;
        }

        /**
         * Sets how many device failures in a row the pump tolerates before it gives up.
         *
         * @param n failed reads in a row that stop the pump with a {@link I2cPump#failure() failure},
         *        at least 1 (10 by default)
         * @return this builder
         */
        public Builder maxConsecutiveFailures(int n) {
            options.maxConsecutiveFailures(n);
            return this;
        }

        /**
         * Starts the pump thread.
         *
         * @return the running pump
         * @throws IllegalStateException if the register or the length was not set
         */
        public I2cPump start() {
            if (register < 0 || length == 0) {
                throw new IllegalStateException("set register(r) and length(n) before start()");
            }
            I2cPump pump = new I2cPump(this);
            pump.start();
            return pump;
        }
    }
}
