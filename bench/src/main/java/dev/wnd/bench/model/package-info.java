/** Throughput benchmarks of the learner ({@link dev.wnd.bench.model.LearnerBenchmark}); not used in production. */
package dev.wnd.bench.model;
