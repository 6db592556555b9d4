/**
 * The stages' metrics on Micrometer: one registry per process ({@link dev.wnd.app.metrics.StageMetrics}) feeding a
 * Prometheus scrape endpoint and JMX, the Kafka client and Streams metrics (consumer lag), the JVM's, and the
 * adapters that turn the stages' listener calls ({@code LearnerMetrics}, {@code ScorerMetrics},
 * {@code FeaturesMetrics}, the replay's {@code ProgressListener}) into meters. Every metric name is defined here.
 */
package dev.wnd.app.metrics;
