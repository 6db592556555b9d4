/** The feature specification: names, kinds, buckets, widths and transforms of every model input. */
package dev.wnd.features.spec;
