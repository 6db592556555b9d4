package dev.wnd.app.metrics;

import dev.wnd.features.topology.FeaturesMetrics;
import dev.wnd.ingest.replay.ProgressListener;
import dev.wnd.learner.LearnerMetrics;
import dev.wnd.scorer.ScorerMetrics;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics of one stage process: a registry feeding both a Prometheus scrape endpoint (optional) and JMX
 * (domain {@value #JMX_DOMAIN}, always), the JVM's metrics, the Kafka client and Streams metrics of the stage's
 * clients (consumer lag: {@code kafka_consumer_fetch_manager_records_lag_max}, per partition
 * {@code kafka_consumer_fetch_manager_records_lag}), and the stage's own meters. Every meter carries the tag
 * {@code stage} (features, learner, scorer, ingest), so one Prometheus can tell the stages apart.
 *
 * <p>Lifecycle: {@link #open} starts everything; the stage then binds its clients ({@link #bindStreams},
 * {@link #bindConsumer}) and takes its adapter ({@link #learner()} ...); {@link #close} stops the endpoint,
 * unbinds and closes the registries. Close the stage's Kafka clients first or after, either is safe.
 *
 * <p>Thread-safe. No global state: two instances in one process are independent (their JMX names then clash,
 * which JMX logs and skips).
 */
public final class StageMetrics implements AutoCloseable {

    /** The JMX domain of every meter. */
    public static final String JMX_DOMAIN = "wnd";
    /** Records sent to the dead-letter topic by this stage. */
    public static final String DEAD_LETTERS = "wnd.dead.letters";
    static final String DEAD_LETTERS_DESCRIPTION = "Records sent to the dead-letter topic by this stage";
    /** How often the Kafka binders look for client metrics that appeared since (per-partition lag). */
    static final Duration KAFKA_REFRESH = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(StageMetrics.class);

    /**
     * For JMX: a percentile histogram or fixed buckets (dozens of buckets, which JMX would show as one MBean each)
     * become p50 and p99 computed in the process. Prometheus keeps the buckets, which it can aggregate across instances.
     */
    private static final MeterFilter HISTOGRAMS_AS_PERCENTILES = new MeterFilter() {
        @Override
        public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
            double[] buckets = config.getServiceLevelObjectiveBoundaries();
            if (!Boolean.TRUE.equals(config.isPercentileHistogram()) && (buckets == null || buckets.length == 0)) {
                return config;
            }
            return DistributionStatisticConfig.builder().percentilesHistogram(false).serviceLevelObjectives()
                    .percentiles(0.5, 0.99).build().merge(config);
        }
    };

    private final String stage;
    private final CompositeMeterRegistry registry;
    private final PrometheusMeterRegistry prometheus;
    private final JmxMeterRegistry jmx;
    private final ScheduledExecutorService kafkaRefresh;
    private final Duration kafkaRefreshInterval;
    private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
    private volatile BooleanSupplier healthy = () -> true;
    private final MetricsEndpoint endpoint;

    private StageMetrics(String stage, InetSocketAddress endpointAddress, Duration kafkaRefreshInterval) {
        this.stage = Objects.requireNonNull(stage, "stage");
        this.kafkaRefreshInterval = kafkaRefreshInterval;
        prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        jmx = new JmxMeterRegistry(new JmxConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public String domain() {
                return JMX_DOMAIN;
            }
        }, Clock.SYSTEM);
        jmx.config().meterFilter(HISTOGRAMS_AS_PERCENTILES);
        registry = new CompositeMeterRegistry(Clock.SYSTEM, List.of(prometheus, jmx));
        registry.config().commonTags("stage", stage);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        closeables.push(gc);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        kafkaRefresh = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wnd-metrics-kafka");
            t.setDaemon(true);
            return t;
        });
        endpoint = endpointAddress == null ? null
                : MetricsEndpoint.start(endpointAddress, prometheus, () -> healthy.getAsBoolean());
        if (endpoint != null) {
            LOG.info("{} metrics on http://{}:{}/metrics", stage, endpoint.address().getHostString(),
                    endpoint.address().getPort());
        }
    }

    /**
     * Starts the metrics of {@code stage}.
     *
     * @param endpointAddress where to serve {@code /metrics} and {@code /health}; null for no HTTP endpoint
     * @throws java.io.UncheckedIOException when the address cannot be bound
     */
    public static StageMetrics open(String stage, InetSocketAddress endpointAddress) {
        return new StageMetrics(stage, endpointAddress, KAFKA_REFRESH);
    }

    /** As {@link #open(String, InetSocketAddress)}, looking for new Kafka client metrics every {@code refresh}. */
    static StageMetrics open(String stage, InetSocketAddress endpointAddress, Duration refresh) {
        return new StageMetrics(stage, endpointAddress, refresh);
    }

    /** The stage name, the value of every meter's {@code stage} tag. */
    public String stage() {
        return stage;
    }

    /** The registry to add meters to (it feeds Prometheus and JMX). */
    public MeterRegistry registry() {
        return registry;
    }

    /** The registry behind the endpoint, for scraping without HTTP. */
    public PrometheusMeterRegistry prometheus() {
        return prometheus;
    }

    /** The endpoint's bound address; empty when no HTTP endpoint was asked for. */
    public Optional<InetSocketAddress> endpointAddress() {
        return Optional.ofNullable(endpoint).map(MetricsEndpoint::address);
    }

    /** What {@code /health} answers: UP while {@code check} is true. Replaces the default (always UP). */
    public void healthCheck(BooleanSupplier check) {
        healthy = Objects.requireNonNull(check, "check");
    }

    /** Binds a Streams application's client metrics (its consumers' lag, process rates, ...) until close. */
    public synchronized void bindStreams(KafkaStreams streams) {
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams, List.<Tag>of(), kafkaRefresh,
                kafkaRefreshInterval);
        binder.bindTo(registry);
        closeables.push(binder);
    }

    /** Binds a consumer's metrics (lag, fetch rates) until close; only its thread-safe {@code metrics()} is used. */
    public synchronized void bindConsumer(Consumer<?, ?> consumer) {
        KafkaClientMetrics binder = new KafkaClientMetrics(consumer, List.<Tag>of(), kafkaRefresh,
                kafkaRefreshInterval);
        binder.bindTo(registry);
        closeables.push(binder);
    }

    /** The learner's meters; its input consumer is bound when the learner creates it. */
    public LearnerMetrics learner() {
        return new LearnerMeters(registry, this::bindConsumer);
    }

    /** The scorer's meters. */
    public ScorerMetrics scorer() {
        return new ScorerMeters(registry);
    }

    /** The features topology's meters. */
    public FeaturesMetrics features() {
        return new FeaturesMeters(registry);
    }

    /** The replay's meters, passing every call on to {@code next}. */
    public ProgressListener ingest(ProgressListener next) {
        return new ReplayMeters(registry, next);
    }

    @Override
    public synchronized void close() {
        if (endpoint != null) {
            endpoint.close();
        }
        while (!closeables.isEmpty()) {
            try {
                closeables.pop().close();
            } catch (Exception e) {
                LOG.warn("closing a metrics binder: {}", e.toString());
            }
        }
        kafkaRefresh.shutdownNow();
        registry.close();
        prometheus.close();
        jmx.close();
    }
}
