/** How Kafka clients reach the cluster: bootstrap servers and the client settings (security) every client shares. */
package dev.wnd.schemas.kafka;
