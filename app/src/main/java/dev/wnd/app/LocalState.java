package dev.wnd.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the local Streams state of a work directory true to the cluster it runs against. Kafka Streams trusts its
 * local state: state built on another cluster (an embedded cluster formatted afresh by a later command), or a
 * checkpoint that records offsets past the end of its topic, makes its threads fail with
 * {@code OffsetOutOfRangeException} instead of rebuilding. Local state is only a cache of what the cluster's
 * changelog and input topics hold, so what does not fit is deleted, with a log line, and Streams restores it.
 *
 * <p>Call it before the stages start, holding the work directory ({@link WorkDirLock}).
 */
final class LocalState {

    /** Written into the state directory: the id of the cluster its state was built on. */
    static final String CLUSTER_ID_FILE = "cluster.id";
    /** Kafka Streams' offset checkpoint files (format: version 0, count, then "topic partition offset" lines). */
    static final String CHECKPOINT_FILE = ".checkpoint";

    private static final Logger LOG = LoggerFactory.getLogger(LocalState.class);

    private LocalState() {
    }

    /**
     * Deletes the state in {@code stateDir} that does not belong to the cluster of {@code admin}: all of it when it
     * was built on another cluster (or on an unknown one), else each store directory whose checkpoint records an
     * offset past its topic's end; then records the cluster's id.
     *
     * @throws IllegalStateException when the cluster cannot be asked within {@code timeout}
     */
    static void reconcile(Path stateDir, Admin admin, Duration timeout) {
        try {
            String clusterId = admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Files.createDirectories(stateDir);
            Path idFile = stateDir.resolve(CLUSTER_ID_FILE);
            String recorded = Files.exists(idFile) ? Files.readString(idFile, StandardCharsets.UTF_8).strip() : null;
            if (!clusterId.equals(recorded)) {
                if (hasState(stateDir)) {
                    LOG.warn("the local Streams state in {} was built on {}, not on this cluster ({}): deleting it; "
                            + "the stages rebuild it from the cluster", stateDir,
                            recorded == null ? "an unknown cluster" : "cluster " + recorded, clusterId);
                    deleteContents(stateDir);
                }
                Files.writeString(idFile, clusterId + "\n", StandardCharsets.UTF_8);
            }
            deleteCheckpointsPastTheEnd(stateDir, admin, timeout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check the local state in " + stateDir + ": " + e.getMessage(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot check the local state in " + stateDir + " against the cluster: "
                    + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the local state in " + stateDir, e);
        }
    }

    private static boolean hasState(Path stateDir) throws IOException {
        try (Stream<Path> entries = Files.list(stateDir)) {
            return entries.anyMatch(p -> !p.getFileName().toString().equals(CLUSTER_ID_FILE));
        }
    }

    private static void deleteContents(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.toList()) {
                WorkDirLock.deleteTree(p);
            }
        }
    }

    /** Deletes every store directory whose checkpoint is ahead of the cluster. */
    private static void deleteCheckpointsPastTheEnd(Path stateDir, Admin admin, Duration timeout)
            throws IOException, ExecutionException, TimeoutException, InterruptedException {
        Map<Path, Map<TopicPartition, Long>> checkpoints = new HashMap<>();
        try (Stream<Path> walk = Files.walk(stateDir)) {
            for (Path file : walk.filter(p -> p.getFileName().toString().equals(CHECKPOINT_FILE)).toList()) {
                checkpoints.put(file, read(file));
            }
        }
        if (checkpoints.isEmpty()) {
            return;
        }
        Set<String> topics = new HashSet<>();
        checkpoints.values().forEach(c -> c.keySet().forEach(tp -> topics.add(tp.topic())));
        Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        checkpoints.values().forEach(c -> c.keySet().stream().filter(tp -> existing.contains(tp.topic()))
                .forEach(tp -> query.put(tp, OffsetSpec.latest())));
        Map<TopicPartition, Long> ends = new HashMap<>();
        if (!query.isEmpty()) {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> answer =
                    admin.listOffsets(query).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            answer.forEach((tp, info) -> ends.put(tp, info.offset()));
        }
        for (Map.Entry<Path, Map<TopicPartition, Long>> c : checkpoints.entrySet()) {
            List<String> ahead = new ArrayList<>();
            c.getValue().forEach((tp, offset) -> {
                Long end = ends.get(tp);
                if (offset > 0 && (end == null || offset > end)) {
                    ahead.add(tp + " at " + offset + (end == null ? " (no such topic)" : ", its end is " + end));
                }
            });
            if (!ahead.isEmpty()) {
                Path store = c.getKey().getParent();
                LOG.warn("the local state in {} records offsets past the cluster's end ({}): deleting it; the stage "
                        + "rebuilds it from the cluster", store, String.join("; ", ahead));
                WorkDirLock.deleteTree(store);
            }
        }
    }

    /** The offsets of a Streams checkpoint file; an unreadable one reads as none (Streams rewrites it). */
    static Map<TopicPartition, Long> read(Path file) throws IOException {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 2; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+");
            if (f.length == 3) {
                try {
                    offsets.put(new TopicPartition(f[0], Integer.parseInt(f[1])), Long.parseLong(f[2]));
                } catch (NumberFormatException e) {
                    // not an offset line
                }
            }
        }
        return offsets;
    }
}
