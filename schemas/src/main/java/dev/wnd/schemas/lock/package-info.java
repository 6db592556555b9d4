/**
 * Exclusive claims on local directories (a work directory, a model directory) that the operating system releases
 * when their holder's process ends, however it ends.
 */
package dev.wnd.schemas.lock;
