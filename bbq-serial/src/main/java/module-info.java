/**
 * Serial device pumps for bbq: {@link dev.bbq.serial.SerialPump} moves bytes from a UART into a raw
 * queue, {@link dev.bbq.serial.SerialSink} moves them from a raw queue to the UART. Built on
 * jSerialComm. See {@link dev.bbq.serial.SerialConnection}.
 */
module dev.bbq.serial {
    requires transitive dev.bbq.core;
    requires com.fazecast.jSerialComm;

    exports dev.bbq.serial;
}
