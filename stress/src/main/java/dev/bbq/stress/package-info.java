/**
 * Stress proofs of the bbq state machine: the jcstress litmus tests (one class per race, named by
 * the rule it guards), the soak, the zero-allocation loops under Epsilon GC, the gate that runs
 * jcstress and the broken variants that show the suite can fail. See {@code docs/testing.md}.
 *
 * <p>The tests go through the public API of {@code dev.bbq}; the few that must see inside the state
 * machine (a ring in the shared-file layout, the shared words for invariant checks, chaos mode) use
 * {@code dev.bbq.internal}, which bbq-core exports only to this module ({@code dev.bbq.stress}).
 */
package dev.bbq.stress;
