/**
 * Offline evaluation, pure (no Kafka, no model): {@link dev.wnd.eval.Evaluator} turns scored validation rows into
 * exact MAP@12, AUC, logloss, calibration and a per-day breakdown beside a random and a point-in-time ad-CTR
 * baseline ({@link dev.wnd.eval.EvaluationResult}); {@link dev.wnd.eval.ReportWriter} writes a
 * {@link dev.wnd.eval.Report} as a self-contained HTML page with Java2D charts and a JSON file.
 */
package dev.wnd.eval;
