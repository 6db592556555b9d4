/** Feature state: per-user, per-key CTR and pending-display values, their serdes and the read-only view. */
package dev.wnd.features.state;
