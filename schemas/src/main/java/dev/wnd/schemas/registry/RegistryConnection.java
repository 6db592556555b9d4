package dev.wnd.schemas.registry;

import dev.wnd.schemas.kafka.KafkaConnection;
import java.net.URI;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.nio.charset.StandardCharsets;

/**
 * How to reach a Confluent-compatible schema registry: its URL, optional HTTP basic-auth credentials and optional
 * TLS key material. Immutable, validated on construction. {@link #fromSettings(String, Map)} reads the keys of
 * Confluent's client convention.
 *
 * @param url e.g. {@code https://registry:8081}; without a trailing slash
 * @param userInfo {@code user:password} for HTTP basic auth, or empty
 * @param trustStore the certificates to trust for an {@code https} URL, or empty for the JDK's default trust
 * @param keyStore a client certificate and key for mutual TLS, or empty
 */
public record RegistryConnection(String url, Optional<String> userInfo, Optional<Store> trustStore,
        Optional<Store> keyStore) {

    /**
     * A key or trust store file.
     *
     * @param location the file
     * @param password its password, or empty
     * @param type {@code JKS}, {@code PKCS12}, ... ({@code JKS} when not given, as Confluent's client does)
     * @param keyPassword the private key's password, when it differs from the store's (key stores only)
     */
    public record Store(Path location, Optional<String> password, String type, Optional<String> keyPassword) {
        public Store {
            Objects.requireNonNull(location, "location");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(keyPassword, "keyPassword");
            if (type.isBlank()) {
                throw new IllegalArgumentException("store type must not be blank");
            }
        }

        @Override
        public String toString() {
            return "Store[" + location + ", " + type + "]";
        }
    }

    /** {@code basic.auth.credentials.source}: where basic-auth credentials come from. */
    public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** {@code basic.auth.user.info}: {@code user:password} when the source is {@code USER_INFO}. */
    public static final String USER_INFO = "basic.auth.user.info";
    private static final String SSL = "schema.registry.ssl.";
    /** Every key {@link #fromSettings} reads; any other registry key is refused. */
    public static final Set<String> KEYS = Set.of(CREDENTIALS_SOURCE, USER_INFO, "schema.registry.basic.auth.user.info",
            SSL + "truststore.location", SSL + "truststore.password", SSL + "truststore.type",
            SSL + "keystore.location", SSL + "keystore.password", SSL + "keystore.type", SSL + "key.password",
            SSL + "endpoint.identification.algorithm");

    public RegistryConnection {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(userInfo, "userInfo");
        Objects.requireNonNull(trustStore, "trustStore");
        Objects.requireNonNull(keyStore, "keyStore");
        url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("registry URL must look like http://host:port, got '" + url + "'", e);
        }
        if (uri.getScheme() == null || uri.getHost() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException("registry URL must look like http://host:port or https://host:port, "
                    + "got '" + url + "'");
        }
        if (uri.getUserInfo() != null) {
            throw new IllegalArgumentException("put the registry credentials in the client config "
                    + "(basic.auth.credentials.source=USER_INFO, basic.auth.user.info=user:password), not in the URL");
        }
        if (userInfo.isPresent() && userInfo.get().indexOf(':') < 1) {
            throw new IllegalArgumentException(USER_INFO + " must be user:password");
        }
        if ((trustStore.isPresent() || keyStore.isPresent()) && !uri.getScheme().equals("https")) {
            throw new IllegalArgumentException("registry TLS settings are given but the registry URL " + url
                    + " is not https");
        }
    }

    /** A plain connection: no credentials, the JDK's default trust. */
    public static RegistryConnection plain(String url) {
        return new RegistryConnection(url, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * Reads the registry keys of Confluent's client convention from {@code settings} (other keys are ignored):
     * {@code basic.auth.credentials.source=USER_INFO} with {@code basic.auth.user.info=user:password} (or
     * {@code schema.registry.basic.auth.user.info}), and {@code schema.registry.ssl.truststore.*},
     * {@code schema.registry.ssl.keystore.*}, {@code schema.registry.ssl.key.password}.
     *
     * @throws IllegalArgumentException naming the key, for a registry key or value this client does not support
     *     (bearer auth, credential sources other than USER_INFO, hostname verification switched off)
     */
    public static RegistryConnection fromSettings(String url, Map<String, String> settings) {
        Set<String> unknown = new TreeSet<>();
        settings.keySet().stream().filter(RegistryConnection::isRegistryKey).filter(k -> !KEYS.contains(k))
                .forEach(unknown::add);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unsupported schema-registry settings " + unknown + "; supported: "
                    + new TreeSet<>(KEYS));
        }
        String info = settings.getOrDefault(USER_INFO, settings.get("schema.registry.basic.auth.user.info"));
        String source = settings.get(CREDENTIALS_SOURCE);
        Optional<String> userInfo = Optional.empty();
        if (source != null && !source.equals("USER_INFO")) {
            throw new IllegalArgumentException(CREDENTIALS_SOURCE + "=" + source
                    + " is not supported; use USER_INFO with " + USER_INFO + "=user:password");
        }
        if (info != null) {
            if (source == null) {
                throw new IllegalArgumentException(USER_INFO + " is given without " + CREDENTIALS_SOURCE
                        + "=USER_INFO");
            }
            userInfo = Optional.of(info);
        } else if (source != null) {
            throw new IllegalArgumentException(CREDENTIALS_SOURCE + "=USER_INFO needs " + USER_INFO
                    + "=user:password");
        }
        String algorithm = settings.get(SSL + "endpoint.identification.algorithm");
        if (algorithm != null && !algorithm.equalsIgnoreCase("https")) {
            throw new IllegalArgumentException(SSL + "endpoint.identification.algorithm=" + algorithm
                    + " is not supported: the registry's certificate must name its host");
        }
        return new RegistryConnection(url, userInfo, store(settings, "truststore", false),
                store(settings, "keystore", true));
    }

    private static Optional<Store> store(Map<String, String> settings, String kind, boolean key) {
        String location = settings.get(SSL + kind + ".location");
        String password = settings.get(SSL + kind + ".password");
        String type = settings.get(SSL + kind + ".type");
        String keyPassword = key ? settings.get(SSL + "key.password") : null;
        if (location == null) {
            if (password != null || type != null || keyPassword != null) {
                throw new IllegalArgumentException(SSL + kind + ".* settings are given without " + SSL + kind
                        + ".location");
            }
            return Optional.empty();
        }
        return Optional.of(new Store(Path.of(location), Optional.ofNullable(password),
                type == null ? "JKS" : type, Optional.ofNullable(keyPassword)));
    }

    private static boolean isRegistryKey(String key) {
        return KafkaConnection.isRegistryKey(key);
    }

    /** The {@code Authorization} header value for basic auth, when credentials are given. */
    public Optional<String> authorization() {
        return userInfo.map(u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
    }

    /** The credentials are masked. */
    @Override
    public String toString() {
        return "RegistryConnection[url=" + url + ", basicAuth=" + userInfo.map(u -> u.substring(0, u.indexOf(':'))
                + ":[hidden]").orElse("none") + ", trustStore=" + trustStore.map(Store::toString).orElse("default")
                + ", keyStore=" + keyStore.map(Store::toString).orElse("none") + "]";
    }
}
