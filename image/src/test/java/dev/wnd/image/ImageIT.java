package dev.wnd.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image tar Maven built (target/wnd-image.tar), checked without a Docker engine: its manifest and
 * configuration are read from the tar, and its layers are unpacked into a root file system in which the entry
 * point runs under {@code chroot} as the image's non-root user, with only the image's environment, and a private
 * {@code /proc} (as a container has). The run checks need root (chroot, mount); elsewhere they are skipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImageIT {

    /** The image must stay well below this; libtorch alone is ~110 MB compressed. */
    private static final long MAX_TAR_BYTES = 400L * 1024 * 1024;

    /** Static: a per-class instance field is not injected yet when {@code @BeforeAll} runs. */
    @TempDir
    static Path work;

    private Path tar;
    private JsonNode manifest;
    private JsonNode config;
    private Path root;

    @BeforeAll
    void unpackTheImage() throws Exception {
        tar = Path.of(System.getProperty("wnd.image.tar", "target/wnd-image.tar"));
        assertThat(tar).as("built by `./mvnw package` in image/").isRegularFile();
        Path image = Files.createDirectories(work.resolve("image"));
        run(untar(tar, image), Map.of(), 300);
        ObjectMapper json = new ObjectMapper();
        manifest = json.readTree(image.resolve("manifest.json").toFile()).get(0);
        config = json.readTree(image.resolve(manifest.path("Config").asText()).toFile());
        root = Files.createDirectories(work.resolve("rootfs"));
        for (JsonNode layer : manifest.path("Layers")) {
            run(untar(image.resolve(layer.asText()), root), Map.of(), 300);
        }
        Files.createDirectories(root.resolve("proc"));
    }

    /** GNU tar; Jib writes libarchive's creation-time keyword, which GNU tar would warn about for every file. */
    private static List<String> untar(Path archive, Path into) {
        return List.of("tar", "--warning=no-unknown-keyword", "-xf", archive.toString(), "-C", into.toString());
    }

    @Test
    void shouldBeTaggedAsDockerComposeExpects() {
        assertThat(manifest.path("RepoTags").get(0).asText()).isEqualTo(System.getProperty("wnd.image", "wnd:0.1.0"));
    }

    @Test
    void shouldRunAsANonRootUser() {
        assertThat(config.path("config").path("User").asText()).isEqualTo("65532:65532");
    }

    @Test
    void shouldStaySmall() throws IOException {
        long bytes = Files.size(tar);
        System.out.printf("image tar: %,d bytes (%.1f MiB), %d layers%n", bytes, bytes / 1048576.0,
                manifest.path("Layers").size());
        assertThat(bytes).isLessThan(MAX_TAR_BYTES);
    }

    @Test
    void shouldStartJavaAsTheNonRootUser() throws Exception {
        Result r = inImage(List.of("/opt/java/openjdk/bin/java", "-version"));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("OpenJDK");
    }

    /** docker-compose.yml's scorer resolves the vector API for its host MLP: the bundled runtime must hold it. */
    @Test
    void shouldResolveTheVectorModuleTheScorerAsksFor() throws Exception {
        Result r = inImage(List.of("/opt/java/openjdk/bin/java", "--add-modules=jdk.incubator.vector",
                "--list-modules"));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("jdk.incubator.vector");
    }

    @Test
    void shouldRunTheEntryPointWithItsDefaultArguments() throws Exception {
        List<String> command = new ArrayList<>(strings(config.path("config").path("Entrypoint")));
        command.addAll(strings(config.path("config").path("Cmd")));
        Result r = inImage(command);
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("ingest", "features", "learn", "score", "health");
    }

    @Test
    void shouldTrainOnTheBundledLibtorchWithoutWritingOutsideTmp() throws Exception {
        List<String> before = filesOutsideTmp();
        Result generated = inImage(entrypointWith("generate", "--out", "/tmp/data", "--displays", "300"));
        assertThat(generated.exit()).as(generated.output()).isZero();
        // train: the embedded broker and registry, the features topology and the DJL learner on the bundled libtorch
        Result trained = inImage(entrypointWith("train", "--data", "/tmp/data", "--model-dir", "/tmp/model",
                "--work-dir", "/tmp/work", "--deep-hidden-units", "16"));
        assertThat(trained.exit()).as(trained.output()).isZero();
        assertThat(trained.output()).contains("trained").doesNotContain("No SLF4J providers");
        assertThat(root.resolve("tmp/model")).isDirectoryContaining(p -> p.getFileName().toString()
                .startsWith("ckpt-"));
        assertThat(filesOutsideTmp()).as("the image's files are read-only to its user").isEqualTo(before);
    }

    @Test
    void shouldAnswerTheHealthCheckFromTheEnvironment() throws Exception {
        Result r = inImage(entrypointWith("health"), Map.of("WND_HEALTH_FILE", "/tmp/no-stage-running"));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.output()).contains("/tmp/no-stage-running does not exist");
    }

    private List<String> entrypointWith(String... args) {
        List<String> command = new ArrayList<>(strings(config.path("config").path("Entrypoint")));
        command.addAll(List.of(args));
        return command;
    }

    private List<String> filesOutsideTmp() throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> !p.startsWith(root.resolve("tmp")) && !p.startsWith(root.resolve("proc")))
                    .map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    private Result inImage(List<String> command) throws Exception {
        return inImage(command, Map.of());
    }

    /**
     * Runs {@code command} in the unpacked image as its user, with the image's environment plus {@code extraEnv},
     * in a private mount namespace with /proc mounted (the dynamic loader resolves $ORIGIN through it).
     */
    private Result inImage(List<String> command, Map<String, String> extraEnv) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "chroot and mount need root");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare"))
                && Files.isExecutable(Path.of("/usr/sbin/chroot")), "unshare and chroot not found");
        Map<String, String> env = new LinkedHashMap<>();
        for (String kv : strings(config.path("config").path("Env"))) {
            env.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
        }
        env.putAll(extraEnv);
        String user = config.path("config").path("User").asText();
        String script = "/bin/mount -t proc proc \"$0\"/proc && exec /usr/sbin/chroot --userspec=" + user
                + " \"$0\" \"$@\"";
        List<String> full = new ArrayList<>(List.of("/usr/bin/unshare", "--mount", "--fork", "/bin/sh", "-c",
                script, root.toString()));
        full.addAll(command);
        return run(full, env, 180);
    }

    private static List<String> strings(JsonNode array) {
        List<String> result = new ArrayList<>();
        array.forEach(n -> result.add(n.asText()));
        return result;
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Map<String, String> env, int timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (!env.isEmpty()) {
            // Only the image's environment (plus PATH for mount and chroot, which the host runs before the chroot).
            pb.environment().clear();
            pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
            pb.environment().putAll(env);
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        String output = new String(out, StandardCharsets.UTF_8);
        if (env.isEmpty() && p.exitValue() != 0) {
            throw new AssertionError(command + " failed: " + output);
        }
        return new Result(p.exitValue(), output);
    }
}
