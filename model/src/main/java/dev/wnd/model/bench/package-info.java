/** Throughput benchmarks of the learner ({@link dev.wnd.model.bench.LearnerBenchmark}); not used in production. */
package dev.wnd.model.bench;
