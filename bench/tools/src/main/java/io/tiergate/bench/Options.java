package io.tiergate.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options; every tool states its defaults where it reads them. */
final class Options {

    private final Map<String, String> values = new HashMap<>();

    Options(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got: " + args[i]);
            }
            values.put(args[i].substring(2), args[++i]);
        }
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    String required(String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return value;
    }

    int integer(String name, int fallback) {
        String value = values.get(name);
        return value == null ? fallback : Integer.parseInt(value);
    }

    /** Seconds, with an optional trailing "s" ("20" or "20s"). */
    double seconds(String name, double fallback) {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        return Double.parseDouble(value.endsWith("s") ? value.substring(0, value.length() - 1) : value);
    }
}
