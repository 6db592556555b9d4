package dev.wnd.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.InterruptException;
import org.junit.jupiter.api.Test;

class RegistryRetryTest {

    private static final RegistryRetry FAST =
            new RegistryRetry(Duration.ofMillis(1), Duration.ofMillis(4), Duration.ofMillis(10));

    private static RegistryException unreachable() {
        return new RegistryException("cannot reach the schema registry", 0, 0, new ConnectException("refused"));
    }

    @Test
    void shouldCallTransientFailuresAnOutageAndAnswersAboutTheSchemaOrTheClientNot() {
        assertThat(unreachable().isTransient()).isTrue();
        assertThat(new RegistryException("timed out", 0, 0, new java.net.http.HttpTimeoutException("t"))
                .isTransient()).isTrue();
        for (int status : new int[] {500, 502, 503, 504, 408, 429}) {
            assertThat(new RegistryException("busy", status, 0, null).isTransient()).as("HTTP %d", status).isTrue();
        }
        for (int status : new int[] {400, 401, 403, 404, 409, 422}) {
            assertThat(new RegistryException("no", status, 0, null).isTransient()).as("HTTP %d", status).isFalse();
        }
        assertThat(new RegistryException("interrupted", 0, 0, new InterruptedException()).isTransient()).isFalse();

        assertThat(new RegistryException("Schema not found", 404, 40403, null).isSchemaNotFound()).isTrue();
        assertThat(new RegistryException("HTTP 404 Not Found", 404, 404, null).isSchemaNotFound())
                .as("a 404 of a wrong URL says nothing about the schema").isFalse();
        assertThat(unreachable().isSchemaNotFound()).isFalse();
    }

    @Test
    void shouldAskAgainUntilTheRegistryAnswersAfterAnOutage() {
        AtomicInteger calls = new AtomicInteger();
        String answer = FAST.call("fetch schema id 7", () -> {
            int n = calls.incrementAndGet();
            if (n <= 3) {
                throw unreachable();
            }
            if (n <= 5) {
                throw new RegistryException("store unavailable", 503, 50003, null);
            }
            return "schema 7";
        });
        assertThat(answer).isEqualTo("schema 7");
        assertThat(calls).hasValue(6);
    }

    @Test
    void shouldThrowAnAnswerThatIsNotAnOutageAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> FAST.call("fetch schema id 7", () -> {
            calls.incrementAndGet();
            throw new RegistryException("Schema not found", 404, 40403, null);
        })).isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.isSchemaNotFound()).isTrue());
        assertThat(calls).hasValue(1);

        assertThatThrownBy(() -> FAST.call("register", () -> {
            throw new RegistryException("Unauthorized", 401, 401, null);
        })).isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(401));
    }

    @Test
    void shouldStopWaitingWhenTheThreadIsInterruptedAndKeepItsFlag() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Throwable[] thrown = new Throwable[1];
        boolean[] flag = new boolean[1];
        Thread waiter = new Thread(() -> {
            try {
                new RegistryRetry(Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofSeconds(1))
                        .call("fetch schema id 7", () -> {
                            calls.incrementAndGet();
                            throw unreachable();
                        });
            } catch (Throwable t) {
                thrown[0] = t;
                flag[0] = Thread.currentThread().isInterrupted();
            }
        });
        waiter.start();
        Thread.sleep(200);
        waiter.interrupt();
        waiter.join(5_000);

        assertThat(thrown[0]).isInstanceOf(InterruptException.class).hasMessageContaining("fetch schema id 7");
        assertThat(flag[0]).isTrue();
        assertThat(calls.get()).isGreaterThan(1);
    }

    @Test
    void shouldTurnAnInterruptedRequestIntoAnInterruptNotARecordProblem() {
        assertThatThrownBy(() -> FAST.call("fetch schema id 7", () -> {
            throw new RegistryException("interrupted", 0, 0, new InterruptedException());
        })).isInstanceOf(InterruptException.class);
        assertThat(Thread.interrupted()).as("the flag was set again; cleared here for the next test").isTrue();
    }

    @Test
    void shouldRefuseAPolicyThatCannotWork() {
        Duration s = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new RegistryRetry(Duration.ZERO, s, s)).hasMessageContaining("firstPause");
        assertThatThrownBy(() -> new RegistryRetry(s, Duration.ofMillis(10), s)).hasMessageContaining("maxPause");
        assertThatThrownBy(() -> new RegistryRetry(s, s, Duration.ofMillis(10))).hasMessageContaining("logEvery");
        assertThatThrownBy(() -> new RegistryRetry(null, s, s)).isInstanceOf(NullPointerException.class);
        assertThat(RegistryRetry.DEFAULT.logEvery()).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    @Test
    void shouldGiveEveryHttpClientFailureWithoutAnAnswerAsTransient() throws IOException {
        // Nothing listens on this port: the client's own error for a registry that is down.
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        HttpSchemaRegistryClient client = new HttpSchemaRegistryClient("http://127.0.0.1:" + port);
        assertThatThrownBy(() -> client.schemaById(1)).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.httpStatus()).isZero();
            assertThat(e.isTransient()).isTrue();
        });
    }
}
