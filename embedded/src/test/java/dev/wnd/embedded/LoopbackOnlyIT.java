package dev.wnd.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Reader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nothing of the embedded runtime can be reached from another machine: every port is bound to 127.0.0.1 only. */
class LoopbackOnlyIT {

    @TempDir
    static Path dir;
    static EmbeddedRuntime runtime;

    @BeforeAll
    static void start() {
        runtime = EmbeddedRuntime.start(new EmbeddedRuntime.Config(dir));
    }

    @AfterAll
    static void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void shouldDeclareEveryBrokerListenerOnLoopback() throws IOException {
        List<URI> listeners = brokerListeners();

        assertThat(listeners).extracting(URI::getScheme).containsExactlyInAnyOrder("plaintext", "controller");
        assertThat(listeners).allSatisfy(l -> assertThat(l.getHost()).isEqualTo("127.0.0.1"));
    }

    @Test
    void shouldRefuseConnectionsToBrokerControllerAndRegistryOnOtherLocalAddresses() throws IOException {
        Optional<InetAddress> other = nonLoopbackAddress();
        assumeTrue(other.isPresent(), "this machine has no non-loopback address to try");
        List<Integer> ports = new ArrayList<>(brokerListeners().stream().map(URI::getPort).toList());
        ports.add(URI.create(runtime.registryUrl()).getPort());

        for (int port : ports) {
            assertThat(connects(InetAddress.getLoopbackAddress(), port)).as("127.0.0.1:%d", port).isTrue();
            assertThatThrownBy(() -> connect(other.get(), port)).as("%s:%d", other.get(), port)
                    .isInstanceOf(ConnectException.class);
        }
    }

    private static List<URI> brokerListeners() throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve("kafka").resolve("server.properties"))) {
            p.load(r);
        }
        List<URI> out = new ArrayList<>();
        for (String l : p.getProperty("listeners").split(",")) {
            out.add(URI.create(l.trim().toLowerCase(java.util.Locale.ROOT)));
        }
        return out;
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws IOException {
        for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nif.isUp() || nif.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (!a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                    return Optional.of(a);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean connects(InetAddress address, int port) {
        try {
            connect(address, port);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void connect(InetAddress address, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 2_000);
        }
    }
}
