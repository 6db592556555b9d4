package dev.wnd.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** Builds the registry client's {@link SSLContext} from key and trust store files. */
final class TlsContexts {

    private TlsContexts() {
    }

    /**
     * @param trustStore certificates to trust; empty for the JDK's default trust
     * @param keyStore a client certificate and key to present; empty for none
     * @throws IllegalArgumentException naming the file when a store cannot be read or opened
     */
    static SSLContext of(Optional<RegistryConnection.Store> trustStore, Optional<RegistryConnection.Store> keyStore) {
        try {
            TrustManager[] trust = null;
            if (trustStore.isPresent()) {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(trustStore.get(), "trust"));
                trust = tmf.getTrustManagers();
            }
            KeyManager[] keys = null;
            if (keyStore.isPresent()) {
                RegistryConnection.Store store = keyStore.get();
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                char[] keyPassword = store.keyPassword().or(store::password).map(String::toCharArray).orElse(null);
                kmf.init(load(store, "key"), keyPassword);
                keys = kmf.getKeyManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS for the schema registry: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(RegistryConnection.Store store, String kind) {
        if (!Files.isReadable(store.location())) {
            throw new IllegalArgumentException("the registry's " + kind + " store " + store.location()
                    + " does not exist or is not readable");
        }
        try (InputStream in = Files.newInputStream(store.location())) {
            KeyStore ks = KeyStore.getInstance(store.type());
            ks.load(in, store.password().map(String::toCharArray).orElse(null));
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read the registry's " + kind + " store " + store.location()
                    + " (type " + store.type() + "): " + e.getMessage(), e);
        }
    }
}
