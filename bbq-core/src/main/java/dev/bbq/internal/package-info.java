/**
 * Not API: the few internals of {@code dev.bbq} that the stress module's white-box tests need.
 *
 * <p>Exported only to {@code dev.bbq.stress} (the stress module's automatic module name); nothing
 * else may use it, and it may change at any time. The state machine's classes stay package-private
 * in {@code dev.bbq}; a package-private class there implements {@link dev.bbq.internal.StressAccess}
 * and installs itself through {@link dev.bbq.internal.Secrets} when it is initialised, in the manner
 * of the JDK's shared secrets.
 */
package dev.bbq.internal;
