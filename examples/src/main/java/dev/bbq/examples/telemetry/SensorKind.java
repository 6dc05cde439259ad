package dev.bbq.examples.telemetry;

import java.util.Random;

/**
 * What the simulated sensors measure: a slow sine around a typical value plus Gaussian noise, so
 * that the per-sensor minimum, maximum and mean in the summary look like a real board's. Sensor
 * {@code id} is of kind {@code values()[id % 8]}.
 */
enum SensorKind {
    TEMPERATURE("temperature", "degC", 21.5, 1.5, 7.0, 0.05),
    HUMIDITY("humidity", "%RH", 45.0, 4.0, 11.0, 0.2),
    PRESSURE("pressure", "hPa", 1013.25, 0.8, 13.0, 0.05),
    ACCEL_X("accel-x", "g", 0.0, 0.15, 0.5, 0.02),
    ACCEL_Y("accel-y", "g", 0.0, 0.15, 0.7, 0.02),
    ACCEL_Z("accel-z", "g", 1.0, 0.05, 0.9, 0.02),
    SUPPLY("supply", "V", 5.02, 0.03, 3.0, 0.005),
    CURRENT("current", "mA", 120.0, 25.0, 2.0, 1.5);

    private final String label;
    private final String unit;
    private final double base;
    private final double amplitude;
    private final double periodSeconds;
    private final double noise;

    SensorKind(String label, String unit, double base, double amplitude, double periodSeconds, double noise) {
        this.label = label;
        this.unit = unit;
        this.base = base;
        this.amplitude = amplitude;
        this.periodSeconds = periodSeconds;
        this.noise = noise;
    }

    /** @return the sensor's kind */
    static SensorKind of(int sensor) {
        SensorKind[] all = values();
        return all[sensor % all.length];
    }

    /** @return the short name used in the log and the summary */
    String label() {
        return label;
    }

    /** @return the unit of the readings */
    String unit() {
        return unit;
    }

    /** @return a reading at {@code seconds} into the run */
    float sample(double seconds, int sensor, Random random) {
        double phase = sensor * 0.7;
        return (float) (base + amplitude * Math.sin(2 * Math.PI * seconds / periodSeconds + phase)
                + noise * random.nextGaussian());
    }
}
