/** Confluent-wire-format Avro serdes. */
package dev.wnd.schemas.serde;
