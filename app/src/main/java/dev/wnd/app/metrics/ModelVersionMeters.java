package dev.wnd.app.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model a stage works with (the learner: the one it last checkpointed; the scorer: the one it last swapped
 * in) as gauges: {@value #GENERATION} and {@value #STEP}, numbers parsed from the version
 * {@code ckpt-<generation>-s<step>} (NaN before the first model or for a version of another form), and
 * {@value #INFO}, always 1, whose {@code version} tag carries the version string; it is re-registered on each
 * change, so one series exists at a time. Thread-safe.
 */
public final class ModelVersionMeters {

    public static final String GENERATION = "wnd.model.generation";
    public static final String STEP = "wnd.model.step";
    public static final String INFO = "wnd.model.info";

    private static final Pattern VERSION = Pattern.compile("(?:ckpt|snap|delta)-(\\d+)-s(\\d+)");

    private final MeterRegistry registry;
    private final AtomicReference<String> version = new AtomicReference<>();
    private Gauge info;

    public ModelVersionMeters(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder(GENERATION, version, v -> part(v.get(), 1))
                .description("Generation of the model version in use (ckpt|snap|delta-<generation>-s<step>)").register(registry);
        Gauge.builder(STEP, version, v -> part(v.get(), 2))
                .description("Optimizer step of the model version in use").register(registry);
    }

    /** The stage now works with {@code newVersion}. */
    public synchronized void set(String newVersion) {
        if (newVersion == null || newVersion.equals(version.getAndSet(newVersion))) {
            return;
        }
        if (info != null) {
            registry.remove(info);
        }
        info = Gauge.builder(INFO, () -> 1).tag("version", newVersion)
                .description("The model version in use, in the version tag").register(registry);
    }

    /** The version in use; null before the first. */
    public String version() {
        return version.get();
    }

    private static double part(String version, int group) {
        if (version == null) {
            return Double.NaN;
        }
        Matcher m = VERSION.matcher(version);
        return m.matches() ? Double.parseDouble(m.group(group)) : Double.NaN;
    }
}
