package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Static checks of docker-compose.yml (no Docker engine here): every service has what it needs to start in the
 * right order, and every stage's environment is a valid configuration of its wnd command.
 */
class ComposeFileTest {

    private final ComposeFile compose = ComposeFile.ofRepository();

    private static CommandLine stageCommand(List<String> command) {
        CommandLine sub = Wnd.commandLine(Map.of()).getSubcommands().get(command.get(0));
        assertThat(sub).as("wnd subcommand %s", command.get(0)).isNotNull();
        return sub;
    }

    private static Set<String> variablesOf(CommandLine command) {
        Set<String> variables = new HashSet<>();
        for (OptionSpec option : command.getCommandSpec().options()) {
            String v = EnvironmentDefaults.variableOf(option);
            if (v != null && !option.usageHelp() && !option.versionHelp()) {
                variables.add(v);
            }
        }
        return variables;
    }

    /** The arguments of a stage's health check after the main class, e.g. [health]. */
    private List<String> healthCheckArguments(String service) {
        List<String> test = ComposeFile.strings(compose.service(service).path("healthcheck").path("test"));
        int main = test.indexOf(Wnd.class.getName());
        assertThat(main).as("%s health check runs %s: %s", service, Wnd.class.getName(), test).isPositive();
        return test.subList(main + 1, test.size());
    }

    @Test
    void shouldDeclareTheFourStagesBesideKafkaAndTheRegistry() {
        assertThat(compose.services()).containsExactlyInAnyOrder("kafka", "schema-registry", "ingest", "features",
                "learner", "scorer");
        assertThat(compose.command("ingest")).containsExactly("ingest");
        assertThat(compose.command("features")).containsExactly("features");
        assertThat(compose.command("learner")).containsExactly("learn");
        assertThat(compose.command("scorer")).containsExactly("score");
    }

    @Test
    void shouldPublishEveryPortOnTheLoopbackInterfaceUnlessTheUserOptsIn() {
        for (String service : compose.services()) {
            for (String port : ComposeFile.strings(compose.service(service).path("ports"))) {
                assertThat(port).as("%s publishes %s", service, port)
                        .startsWith("${WND_PUBLISH_ADDRESS:-127.0.0.1}:");
            }
        }
        assertThat(compose.services()).anySatisfy(s ->
                assertThat(ComposeFile.strings(compose.service(s).path("ports"))).isNotEmpty());
    }

    @Test
    void shouldDeclareAHealthCheckForEveryService() {
        for (String service : compose.services()) {
            JsonNode check = compose.service(service).path("healthcheck");
            assertThat(check.path("disable").asBoolean(false)).as(service).isFalse();
            List<String> test = ComposeFile.strings(check.path("test"));
            assertThat(test).as("%s healthcheck.test", service).hasSizeGreaterThan(1);
            assertThat(test.get(0)).as(service).isIn("CMD", "CMD-SHELL");
            assertThat(check.path("interval").asText()).as("%s interval", service).isNotEmpty();
        }
    }

    @Test
    void shouldRunEveryStageFromTheImageMavenBuilds() {
        String image = System.getProperty("wnd.image", "wnd:0.1.0");
        for (String stage : ComposeFile.STAGES) {
            assertThat(compose.service(stage).path("image").asText()).as(stage).isEqualTo(image);
        }
        assertThat(compose.service("kafka").path("image").asText()).startsWith("apache/kafka:");
    }

    @Test
    void shouldMapEveryWndVariableToAnOptionOfTheServiceCommand() {
        for (String stage : ComposeFile.STAGES) {
            Set<String> known = variablesOf(stageCommand(compose.command(stage)));
            List<String> variables = compose.environment(stage).keySet().stream()
                    .filter(k -> k.startsWith(EnvironmentDefaults.PREFIX)).toList();
            assertThat(variables).as(stage).isNotEmpty();
            assertThat(known).as("options of wnd %s", compose.command(stage).get(0)).containsAll(variables);
        }
    }

    @Test
    void shouldParseEveryStageCommandFromItsEnvironmentAlone() {
        for (String stage : ComposeFile.STAGES) {
            Map<String, String> env = compose.environment(stage);
            List<String> command = compose.command(stage);
            // Required options (--data, --model-dir) must come from the environment, and every value must convert.
            CommandLine.ParseResult parsed = Wnd.commandLine(env).parseArgs(command.toArray(String[]::new));
            Object options = parsed.subcommand().commandSpec().mixins().get("cluster").userObject();
            ClusterOptions cluster = (ClusterOptions) options;
            assertThat(cluster.external()).as("%s talks to the compose broker, not an embedded one", stage).isTrue();
            assertThat(cluster.registry).as(stage).isNotNull();
        }
    }

    @Test
    void shouldPointEveryStageAtTheComposeKafkaAndRegistry() {
        String listeners = compose.environment("kafka").get("KAFKA_ADVERTISED_LISTENERS");
        for (String stage : ComposeFile.STAGES) {
            Map<String, String> env = compose.environment(stage);
            assertThat(listeners).as("%s bootstrap", stage).contains("//" + env.get("WND_BOOTSTRAP"));
            URI registry = URI.create(env.get("WND_REGISTRY"));
            assertThat(compose.services()).contains(registry.getHost());
            assertThat(compose.environment(registry.getHost()).get("SCHEMA_REGISTRY_LISTENERS"))
                    .endsWith(":" + registry.getPort());
            assertThat(compose.dependsOn(stage)).containsKeys("kafka", registry.getHost());
        }
    }

    @Test
    void shouldCheckEveryStageWithWndHealthOnTheFileTheStageBeatsInto() {
        for (String stage : ComposeFile.STAGES) {
            Map<String, String> env = compose.environment(stage);
            assertThat(variablesOf(stageCommand(compose.command(stage)))).contains("WND_HEALTH_FILE");
            // The check runs in the same container, so it sees the same WND_HEALTH_FILE.
            CommandLine.ParseResult parsed = Wnd.commandLine(env).parseArgs(
                    healthCheckArguments(stage).toArray(String[]::new));
            HealthCommand health = (HealthCommand) parsed.subcommand().commandSpec().userObject();
            assertThat(health.health.healthFile).as(stage).isEqualTo(Path.of(env.get("WND_HEALTH_FILE")));
            assertThat(writableDirectories(stage)).as("%s can write its health file", stage)
                    .anyMatch(dir -> health.health.healthFile.startsWith(dir));
        }
    }

    private List<Path> writableDirectories(String service) {
        List<Path> dirs = new ArrayList<>();
        ComposeFile.strings(compose.service(service).path("tmpfs")).forEach(t -> dirs.add(Path.of(t.split(":")[0])));
        compose.mounts(service).stream().filter(m -> !m.readOnly()).forEach(m -> dirs.add(Path.of(m.target())));
        return dirs;
    }

    @Test
    void shouldDeclareEveryNamedVolumeItMountsAndMountEveryDeclaredOne() {
        Set<String> mounted = new HashSet<>();
        for (String service : compose.services()) {
            compose.mounts(service).stream().filter(ComposeFile.Mount::named).forEach(m -> mounted.add(m.source()));
        }
        assertThat(compose.declaredVolumes()).containsExactlyInAnyOrderElementsOf(mounted);
        assertThat(compose.declaredVolumes()).contains("kafka-data", "checkpoints");
    }

    @Test
    void shouldKeepEveryStagesStateOnAVolumeAndTheRootFileSystemReadOnly() {
        assertMountedWritable("features", compose.environment("features").get("WND_WORK_DIR"));
        assertMountedWritable("scorer", compose.environment("scorer").get("WND_WORK_DIR"));
        assertMountedWritable("learner", compose.environment("learner").get("WND_MODEL_DIR"));
        assertThat(compose.mounts("ingest")).extracting(ComposeFile.Mount::target)
                .contains(compose.environment("ingest").get("WND_DATA"));
        assertThat(compose.mounts("kafka")).extracting(ComposeFile.Mount::target)
                .contains(compose.environment("kafka").get("KAFKA_LOG_DIRS"));
        for (String stage : ComposeFile.STAGES) {
            assertThat(compose.service(stage).path("read_only").asBoolean()).as(stage).isTrue();
        }
    }

    private void assertMountedWritable(String service, String dir) {
        assertThat(dir).as(service).isNotNull();
        assertThat(compose.mounts(service)).as("%s mounts %s writable", service, dir)
                .anyMatch(m -> m.named() && !m.readOnly() && Path.of(dir).startsWith(m.target()));
    }

    @Test
    void shouldShareTheCheckpointsWritableForTheLearnerAndReadOnlyForTheScorer() {
        ComposeFile.Mount learner = mountAt("learner", compose.environment("learner").get("WND_MODEL_DIR"));
        ComposeFile.Mount scorer = mountAt("scorer", compose.environment("scorer").get("WND_MODEL_DIR"));
        assertThat(scorer.source()).isEqualTo(learner.source());
        assertThat(learner.readOnly()).isFalse();
        assertThat(scorer.readOnly()).isTrue();
    }

    private ComposeFile.Mount mountAt(String service, String target) {
        return compose.mounts(service).stream().filter(m -> m.target().equals(target)).findFirst()
                .orElseThrow(() -> new AssertionError(service + " mounts nothing at " + target));
    }

    @Test
    void shouldStartEveryServiceOnlyAfterItsDependenciesAreHealthy() {
        for (String service : compose.services()) {
            compose.dependsOn(service).forEach((dependency, condition) -> {
                assertThat(compose.services()).as("%s depends on %s", service, dependency).contains(dependency);
                assertThat(condition).as("%s -> %s", service, dependency).isEqualTo("service_healthy");
            });
        }
        assertThat(compose.dependsOn("schema-registry")).containsKey("kafka");
    }

    @Test
    void shouldPassDockerComposesOwnValidationWhereItIsInstalled() throws Exception {
        // Debian's docker-compose (1.29) validates against the Compose JSON schema without a Docker engine;
        // .ci/run installs it. Elsewhere this check is skipped; the checks above still run.
        List<String> command = List.of("docker-compose", "-f", compose.path().toString(), "config", "-q");
        assumeTrue(Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Path.of(dir, "docker-compose").toFile().canExecute()), "docker-compose not installed");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
    }

    @Test
    void shouldReadBothFormsOfEnvironmentAndMounts() throws IOException {
        Path file = java.nio.file.Files.createTempFile("compose", ".yml");
        try {
            java.nio.file.Files.writeString(file, """
                    services:
                      a:
                        command: learn --seed 1
                        environment: ["WND_MODEL_DIR=/m", "WND_SEED"]
                        volumes: ["${X:-./d}:/d:ro,z", "v:/v"]
                    """);
            ComposeFile c = ComposeFile.read(file);
            assertThat(c.command("a")).containsExactly("learn", "--seed", "1");
            assertThat(c.environment("a")).containsEntry("WND_MODEL_DIR", "/m").containsEntry("WND_SEED", "");
            assertThat(c.mounts("a")).containsExactly(new ComposeFile.Mount("${X:-./d}", "/d", true),
                    new ComposeFile.Mount("v", "/v", false));
            assertThatCode(() -> c.service("b")).isInstanceOf(IllegalArgumentException.class);
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}
