/** Offline evaluation: MAP@12, AUC, logloss and baselines. */
package dev.wnd.eval;
