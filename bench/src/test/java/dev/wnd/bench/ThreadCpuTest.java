package dev.wnd.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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

    @Test
    void shouldCountTheLiveThreadsWhoseNameMatches() {
        assertThat(ThreadCpu.now().threadsNamed(name -> name.equals(Thread.currentThread().getName()))).isEqualTo(1);
        assertThat(ThreadCpu.now().threadsNamed(name -> name.startsWith("no-such-thread-"))).isZero();
    }

    @Test
    void shouldReadUserPlusSystemTicksAfterACommandNameWithSpacesAndParentheses() {
        String stat = "4242 (rocksdb:(low) 1) S 1 4242 4242 0 -1 4194368 93 0 0 0 170 25 0 0 20 0 1 0 2525664 "
                + "3133440 411 18446744073709551615";

        assertThat(ThreadCpu.statTicks(stat)).isEqualTo(195);
    }

    @Test
    void shouldCountNoOsThreadsForANameNoThreadHas() {
        assertThat(ThreadCpu.secondsOfOsThreadsNamed("no-such-thread-")).isZero();
    }

    @Test
    void shouldReadTheProcessesOsThreadsWhereProcShowsThem() {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux only");

        assertThat(ThreadCpu.secondsOfOsThreadsNamed("")).as("every thread, Java's and the JVM's").isPositive();
    }
}
