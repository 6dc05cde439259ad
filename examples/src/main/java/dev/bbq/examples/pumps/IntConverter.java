package dev.bbq.examples.pumps;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses the pump commands' integer options as the former main classes did: decimal, or hexadecimal
 * with a {@code 0x} prefix ({@code --device 0x68}, {@code --register 0x3B}).
 */
public final class IntConverter implements ITypeConverter<Integer> {
    /** Creates the converter; picocli calls this. */
    public IntConverter() {
    }

    @Override
    public Integer convert(String value) {
        return parse(value);
    }

    /**
     * @param value a decimal number or a hexadecimal one with a {@code 0x} prefix
     * @return its value
     * @throws TypeConversionException if it is not a number
     */
    static int parse(String value) {
        try {
            return value.startsWith("0x") ? Integer.parseInt(value.substring(2), 16) : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a number (decimal, or hexadecimal as 0x3B)");
        }
    }
}
