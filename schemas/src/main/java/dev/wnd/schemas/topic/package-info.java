/** Typed topic descriptors: a topic's name with its key and value serdes. */
package dev.wnd.schemas.topic;
