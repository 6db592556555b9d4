/** Exact ranking and probability metrics shared by the learner's online metrics and the offline evaluation. */
package dev.wnd.eval.metrics;
