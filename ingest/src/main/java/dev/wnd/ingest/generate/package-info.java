/**
 * A synthetic Outbrain data set in the exact Kaggle schema, with a planted click model whose truth is written beside
 * it ({@link dev.wnd.ingest.generate.DataGenerator}): same configuration and seed, same bytes.
 */
package dev.wnd.ingest.generate;
