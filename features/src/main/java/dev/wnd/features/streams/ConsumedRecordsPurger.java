package dev.wnd.features.streams;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes from an application's CTR updates topic ({@link StatePartitioning#updatesTopic()}) what every task has
 * consumed: only the application itself reads that topic, and a task restarts from its committed offsets (its
 * state comes back from the changelogs), so the records before them are never read again. Streams purges its own
 * repartition topics the same way; without this the topic would grow by one record per label and partition for
 * ever.
 *
 * <p>Lifecycle: {@link #start} runs a pass every {@code interval} on a daemon thread of its own until
 * {@code running} turns false (the application stopped; looked at every second) or {@link #close} is called; it
 * then closes the admin client it was given. A pass that fails is logged and retried at the next interval. Thread-safe.
 */
public final class ConsumedRecordsPurger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumedRecordsPurger.class);

    private final Admin admin;
    private final String applicationId;
    private final String topic;
    private final ScheduledExecutorService scheduler;

    private ConsumedRecordsPurger(Admin admin, String applicationId, String topic) {
        this.admin = admin;
        this.applicationId = applicationId;
        this.topic = topic;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, applicationId + "-ctr-updates-purger");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A purger of {@code topic} for consumer group {@code applicationId}, not started: {@link #purgeOnce()} only.
     *
     * @param admin closed by {@link #close()}
     */
    public static ConsumedRecordsPurger of(Admin admin, String applicationId, String topic) {
        return new ConsumedRecordsPurger(admin, applicationId, topic);
    }

    /**
     * Starts purging every {@code interval} while {@code running} holds.
     *
     * @param admin closed when the purger stops
     */
    public static ConsumedRecordsPurger start(Admin admin, String applicationId, String topic, Duration interval,
            BooleanSupplier running) {
        ConsumedRecordsPurger purger = new ConsumedRecordsPurger(admin, applicationId, topic);
        long[] lastPass = {System.nanoTime()};
        // Looks at the application every second, so that the admin client goes when the application does (and does
        // not retry a broker that is shutting down); purges every interval.
        purger.scheduler.scheduleWithFixedDelay(() -> {
            if (!running.getAsBoolean()) {
                purger.close();
                return;
            }
            if (System.nanoTime() - lastPass[0] < interval.toNanos()) {
                return;
            }
            lastPass[0] = System.nanoTime();
            try {
                purger.purgeOnce();
            } catch (RuntimeException e) {
                LOG.warn("could not purge the consumed records of {} (retrying in {}): {}", topic, interval,
                        e.toString());
            }
        }, 1, 1, TimeUnit.SECONDS);
        return purger;
    }

    /**
     * One pass: deletes the records before the group's committed offset of every partition of the topic.
     *
     * @return the offsets deleted up to, by partition (empty before the first commit)
     */
    public Map<TopicPartition, Long> purgeOnce() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, RecordsToDelete> delete = new LinkedHashMap<>();
            Map<TopicPartition, Long> upTo = new LinkedHashMap<>();
            committed.forEach((tp, offset) -> {
                if (tp.topic().equals(topic) && offset != null && offset.offset() > 0) {
                    delete.put(tp, RecordsToDelete.beforeOffset(offset.offset()));
                    upTo.put(tp, offset.offset());
                }
            });
            if (!delete.isEmpty()) {
                admin.deleteRecords(delete).all().get(30, TimeUnit.SECONDS);
                LOG.debug("purged {} up to {}", topic, upTo);
            }
            return upTo;
        } catch (ExecutionException e) {
            throw new IllegalStateException("purging " + topic + " failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("purging " + topic + " timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while purging " + topic, e);
        }
    }

    @Override
    public void close() {
        scheduler.shutdown();
        admin.close(Duration.ofSeconds(5));
    }
}
