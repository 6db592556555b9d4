package dev.wnd.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {

    @Test
    void shouldGroupThreadsByRoleWithIdsMasked() {
        assertThat(ThreadCpu.group("wnd-scorer-a0886e58-02a7-4286-8c6b-401499947986-StreamThread-1"))
                .isEqualTo("wnd-scorer-*-StreamThread-N");
        assertThat(ThreadCpu.group("data-plane-kafka-request-handler-3"))
                .isEqualTo("data-plane-kafka-request-handler-N");
        assertThat(ThreadCpu.group("bench-reader")).isEqualTo("bench-reader");
    }

    @Test
    void shouldCountTheCpuOfABusyThreadInItsGroup() throws InterruptedException {
        AtomicBoolean stop = new AtomicBoolean();
        Thread busy = new Thread(() -> {
            long x = 0;
            while (!stop.get()) {
                x += System.nanoTime() % 7;
            }
            if (x == 42) {
                System.out.print("");
            }
        }, "busy-worker-17");
        busy.start();
        try {
            ThreadCpu before = ThreadCpu.now();
            Thread.sleep(300);
            Map<String, Double> cores = ThreadCpu.now().coresSince(before, 3);
            assertThat(cores).containsKey("busy-worker-N");
            assertThat(cores.get("busy-worker-N")).isPositive();
            // the process's time comes in clock ticks, the threads' in nanoseconds: comparable over seconds, not here
            assertThat(cores.get("total")).isPositive();
            assertThat(cores).containsKey("other threads");
            assertThat(ThreadCpu.now().secondsOfThreadsNamed("busy-worker"))
                    .as("the busy thread's CPU since it started, by name").isPositive();
        } finally {
            stop.set(true);
            busy.join();
        }
    }
}
