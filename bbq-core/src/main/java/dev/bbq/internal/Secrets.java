package dev.bbq.internal;

/**
 * Not API; exported only to {@code dev.bbq.stress}; may change at any time. Hands the stress tests
 * the {@link StressAccess} that {@code dev.bbq} installs, as the JDK's {@code SharedSecrets} do: the
 * implementation is package-private there, so it installs itself from its own initialiser, and the
 * first {@link #stressAccess()} initialises it.
 */
public final class Secrets {
    /** The package-private class in dev.bbq that installs itself; named, since it cannot be referenced. */
    private static final String IMPLEMENTATION = "dev.bbq.StressBridge";

    private static volatile StressAccess stressAccess;

    private Secrets() {
    }

    /** The internals the stress tests use. */
    public static StressAccess stressAccess() {
        StressAccess access = stressAccess;
        if (access == null) {
            try {
                Class.forName(IMPLEMENTATION, true, Secrets.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(IMPLEMENTATION + " is missing", e);
            }
            access = stressAccess;
        }
        return access;
    }

    /** Called once, by dev.bbq's implementation as it is initialised; a second call is refused. */
    public static void install(StressAccess access) {
        if (stressAccess != null) {
            throw new IllegalStateException("already installed");
        }
        stressAccess = access;
    }
}
