/** A client for registries that speak the Confluent schema registry REST API. */
package dev.wnd.schemas.registry;
