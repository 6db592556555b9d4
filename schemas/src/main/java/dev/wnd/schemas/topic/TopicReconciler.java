package dev.wnd.schemas.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the cluster's topics match a {@link TopicPlan}, idempotently: applying the same plan twice changes nothing
 * the second time. Used at the start of every command, for the embedded broker and an external cluster alike.
 *
 * <h2>What it does, topic by topic</h2>
 * <ul>
 *   <li>a missing topic is created as declared (partitions, configs), with the replication factor given here
 *       (empty: the broker's {@code default.replication.factor});</li>
 *   <li>a declared config that an existing topic leaves to the broker's default, with another value, is set on the
 *       topic ({@code incrementalAlterConfigs}): e.g. {@code retention.ms=-1} on a topic an operator created with
 *       the broker's seven days, which would otherwise delete the replayed 2016 records at once;</li>
 *   <li>a declared config that an existing topic sets itself to another value is left alone (an operator chose it)
 *       and reported as a {@link Mismatch};</li>
 *   <li>a partition count other than declared is reported as a {@link Mismatch} and never changed: partitions can
 *       only grow, and adding some would send a key's later records to another partition than its earlier ones.</li>
 * </ul>
 * Every mismatch is logged as a warning and returned in the {@link Report}. A cluster that denies describing
 * topic configs is reported once (warning) and the config checks are skipped.
 *
 * <p>Not thread-safe; the {@link Admin} is the caller's (it carries the connection's security settings) and is not
 * closed here.
 */
public final class TopicReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(TopicReconciler.class);

    /**
     * A way an existing topic differs from its declaration that was left as it is.
     *
     * @param topic the topic
     * @param setting {@code partitions} or a config key
     * @param declared the declared value
     * @param actual the topic's value
     */
    public record Mismatch(String topic, String setting, String declared, String actual) {
        /** One line for the log, saying what it means and what to do. */
        public String describe() {
            if (setting.equals("partitions")) {
                return "topic " + topic + " has " + actual + " partition(s), declared " + declared
                        + "; partitions are never changed (keys would move to other partitions): run with "
                        + "--partitions " + actual + " or recreate the topic";
            }
            return "topic " + topic + " has " + setting + "=" + actual + " set on the topic, declared " + declared
                    + "; left as the topic says (alter it with kafka-configs.sh if the declaration is what you want)";
        }
    }

    /**
     * What one {@link #apply} did and found.
     *
     * @param created topics created, in plan order
     * @param configsSet configs set on existing topics, by topic
     * @param mismatches differences left as they are
     */
    public record Report(List<String> created, Map<String, Map<String, String>> configsSet,
            List<Mismatch> mismatches) {
        public Report {
            created = List.copyOf(created);
            configsSet = Map.copyOf(configsSet);
            mismatches = List.copyOf(mismatches);
        }

        /** Whether the cluster already matched the plan: nothing created, nothing set, nothing different. */
        public boolean noop() {
            return created.isEmpty() && configsSet.isEmpty() && mismatches.isEmpty();
        }
    }

    private final Admin admin;
    private final Optional<Short> replicationFactor;
    private final Duration timeout;

    /**
     * @param admin the cluster's admin client
     * @param replicationFactor of created topics; empty for the broker's default
     * @param timeout for each admin round trip
     */
    public TopicReconciler(Admin admin, Optional<Short> replicationFactor, Duration timeout) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.replicationFactor = Objects.requireNonNull(replicationFactor, "replicationFactor");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        replicationFactor.ifPresent(rf -> {
            if (rf < 1) {
                throw new IllegalArgumentException("replication factor must be >= 1, was " + rf);
            }
        });
    }

    /** Applies a whole plan. */
    public Report apply(TopicPlan plan) {
        return apply(plan.topics());
    }

    /**
     * Creates the missing topics of {@code declarations} and checks the existing ones (see the class comment).
     *
     * @throws IllegalStateException when the cluster refuses to list or create topics, or does not answer
     */
    public Report apply(Collection<TopicDeclaration> declarations) {
        Map<String, TopicDeclaration> byName = new LinkedHashMap<>();
        declarations.forEach(d -> byName.put(d.name(), d));
        Set<String> existing = get(admin.listTopics().names(), "list the topics");
        List<String> created = new ArrayList<>();
        List<NewTopic> missing = byName.values().stream().filter(d -> !existing.contains(d.name()))
                .map(d -> d.newTopic(replicationFactor)).toList();
        List<String> raced = new ArrayList<>();
        if (!missing.isEmpty()) {
            admin.createTopics(missing).values().forEach((name, future) -> {
                try {
                    future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    created.add(name);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicExistsException) {
                        raced.add(name); // created by someone else meanwhile: check it like any existing one
                    } else {
                        throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(),
                                e.getCause());
                    }
                } catch (TimeoutException e) {
                    throw new IllegalStateException("timed out creating topic " + name, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while creating topic " + name, e);
                }
            });
            List<String> order = new ArrayList<>(byName.keySet());
            created.sort(java.util.Comparator.comparingInt(order::indexOf));
            if (!created.isEmpty()) {
                awaitLeaders(admin, created, timeout);
                LOG.info("created topics {} ({})", created, replicationFactor
                        .map(rf -> "replication factor " + rf).orElse("the broker's default replication factor"));
            }
        }
        List<String> toCheck = new ArrayList<>(byName.keySet().stream().filter(existing::contains).toList());
        toCheck.addAll(raced);
        Map<String, Map<String, String>> configsSet = new TreeMap<>();
        List<Mismatch> mismatches = new ArrayList<>();
        if (!toCheck.isEmpty()) {
            check(toCheck, byName, configsSet, mismatches);
        }
        mismatches.forEach(m -> LOG.warn(m.describe()));
        return new Report(created, configsSet, mismatches);
    }

    private void check(List<String> names, Map<String, TopicDeclaration> byName,
            Map<String, Map<String, String>> configsSet, List<Mismatch> mismatches) {
        Map<String, TopicDescription> descriptions = get(admin.describeTopics(names).allTopicNames(),
                "describe topics " + names);
        for (String name : names) {
            int actual = descriptions.get(name).partitions().size();
            int declared = byName.get(name).partitions();
            if (actual != declared) {
                mismatches.add(new Mismatch(name, "partitions", Integer.toString(declared), Integer.toString(actual)));
            }
        }
        List<ConfigResource> resources = names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> configs;
        try {
            configs = admin.describeConfigs(resources).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthorizationException) {
                LOG.warn("not allowed to describe the configs of topics {} ({}): their cleanup policy and "
                        + "retention are not checked", names, e.getCause().getMessage());
                return;
            }
            throw new IllegalStateException("cannot describe the configs of topics " + names + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out describing the configs of topics " + names, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic configs", e);
        }
        Map<ConfigResource, Collection<AlterConfigOp>> alterations = new HashMap<>();
        for (ConfigResource resource : resources) {
            String name = resource.name();
            Config config = configs.get(resource);
            for (Map.Entry<String, String> wanted : byName.get(name).configs().entrySet()) {
                ConfigEntry entry = config.get(wanted.getKey());
                String actual = entry == null ? null : entry.value();
                if (TopicDeclaration.sameValue(wanted.getKey(), wanted.getValue(), actual)) {
                    continue;
                }
                if (entry != null && entry.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
                    mismatches.add(new Mismatch(name, wanted.getKey(), wanted.getValue(), actual));
                } else {
                    alterations.computeIfAbsent(resource, r -> new ArrayList<>()).add(new AlterConfigOp(
                            new ConfigEntry(wanted.getKey(), wanted.getValue()), AlterConfigOp.OpType.SET));
                    configsSet.computeIfAbsent(name, n -> new TreeMap<>()).put(wanted.getKey(), wanted.getValue());
                    LOG.info("setting {}={} on existing topic {} (it had the broker's default {})", wanted.getKey(),
                            wanted.getValue(), name, actual);
                }
            }
        }
        if (!alterations.isEmpty()) {
            get(admin.incrementalAlterConfigs(alterations).all(), "set configs " + configsSet);
        }
    }

    /**
     * Waits until every partition of the new topics has a leader, so that a producer starting right after this
     * returns is not answered NOT_LEADER_OR_FOLLOWER (which, for an idempotent producer, a 4.x broker can turn into
     * an endless OUT_OF_ORDER_SEQUENCE_NUMBER retry). Shared with {@code EmbeddedKafka.createTopics}, whose callers
     * need the same guarantee.
     *
     * @throws IllegalStateException when some partition still has no leader after {@code timeout}
     */
    public static void awaitLeaders(Admin admin, List<String> topics, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, TopicDescription> descriptions;
            try {
                descriptions = admin.describeTopics(topics).allTopicNames()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                descriptions = Map.of(); // not yet known to the broker we asked: try again
            } catch (TimeoutException e) {
                throw new IllegalStateException("timed out waiting for the leaders of topics " + topics, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the leaders of topics " + topics, e);
            }
            boolean ready = descriptions.size() == topics.size() && descriptions.values().stream()
                    .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
            if (ready) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + topics + " have partitions without a leader after "
                        + timeout.toSeconds() + " s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the leaders of topics " + topics, e);
            }
        }
    }

    private <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s trying to " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        }
    }
}
