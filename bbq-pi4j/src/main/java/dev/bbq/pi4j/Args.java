package dev.bbq.pi4j;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options for the pump main classes. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    Args(String[] args, String usage) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'\n" + usage);
            }
            values.put(args[i].substring(2), args[++i]);
        }
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    int integer(String name, int defaultValue) {
        String v = values.get(name);
        if (v == null) {
            return defaultValue;
        }
        try {
            return v.startsWith("0x") ? Integer.parseInt(v.substring(2), 16) : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " " + v + ": not a number");
        }
    }
}
