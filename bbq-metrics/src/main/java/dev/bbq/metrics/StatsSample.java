package dev.bbq.metrics;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/**
 * A periodic sample of one statistic of a {@link StatsSource} (one event per statistic per period),
 * for each source given to {@link QueueMetrics#recordJfr(String, StatsSource)}, only while a
 * recording has this event enabled.
 */
@Name(StatsSample.NAME)
@Label("Stats Sample")
@Category({"bbq", "Components"})
@Description("One statistic of a bbq component: a deframer, a pump, a forwarder")
@Period("1 s")
@StackTrace(false)
final class StatsSample extends Event {
    static final String NAME = "dev.bbq.StatsSample";

    @Label("Source")
    @Description("The name the component was registered under")
    String source;

    @Label("Type")
    @Description("What kind of component it is, such as deframer")
    String type;

    @Label("Statistic")
    String stat;

    @Label("Value")
    long value;
}
