package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Kafka client outside the brokers (the embedded runtime, the offline Kafka image) must start from {@code KafkaConnection.properties()}, or a
 * secured cluster's settings ({@code --client-config}) would miss it. A client that sets its bootstrap servers
 * itself is the sign of one that does not.
 */
class ClientPropertiesRouteTest {

    private static final Path ROOT = Path.of("..");

    @Test
    void shouldBuildEveryKafkaClientsPropertiesFromTheClusterConnection() throws IOException {
        List<Path> offenders;
        try (Stream<Path> files = Files.walk(ROOT, 12)) {
            offenders = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> f.toString().contains("src/main/java"))
                    .filter(f -> !f.toString().contains("/embedded/src/"))
                    // the offline Kafka image's launcher is the broker's side, as the embedded broker is
                    .filter(f -> !f.toString().contains("/image/src/"))
                    .filter(f -> !f.getFileName().toString().equals("KafkaConnection.java"))
                    .filter(ClientPropertiesRouteTest::setsBootstrapServers)
                    .toList();
        }

        assertThat(offenders).as("main code setting bootstrap.servers itself instead of starting from "
                + "KafkaConnection.properties()").isEmpty();
    }

    private static boolean setsBootstrapServers(Path file) {
        try {
            String text = Files.readString(file);
            return text.contains("BOOTSTRAP_SERVERS_CONFIG") || text.contains("\"bootstrap.servers\"");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
