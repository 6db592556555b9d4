/** Benchmarks of the ingest (mains, not tests: surefire and failsafe do not run them). */
package dev.wnd.ingest.bench;
