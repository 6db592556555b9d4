/** The micro-batch learner loop: exactly-once training from the examples topic, checkpoints, online metrics. */
package dev.wnd.learner;
