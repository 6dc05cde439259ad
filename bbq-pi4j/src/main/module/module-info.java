/**
 * SPI and I2C device pumps for bbq over Pi4J 3: {@link dev.bbq.pi4j.SpiPump} and
 * {@link dev.bbq.pi4j.I2cPump} move device packets into a framed queue. See
 * {@link dev.bbq.pi4j.LinuxFsContext} for the production Pi4J context.
 */
module dev.bbq.pi4j {
    requires transitive dev.bbq.core;
    requires transitive com.pi4j;
    requires com.pi4j.plugin.linuxfs;

    exports dev.bbq.pi4j;
}
