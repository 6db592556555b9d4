package dev.wnd.ingest.generate;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator's worlds: world 0 is the original generator byte for byte, and every world is reproducible. */
class GeneratorWorldsTest {

    /**
     * SHA-256 of every file the generator wrote for {@code GeneratorConfig.defaults(3_000, 7)} before worlds
     * existed (commit 902671f), the truth files included.
     */
    private static final Map<String, String> ORIGINAL = Map.ofEntries(
            Map.entry("clicks_test.csv", "0d6cf59656bc09c3e00f6de275102f5c48fb5c7afba797b6c248e5947aad8868"),
            Map.entry("clicks_train.csv", "4c430e1018a224d94c97f9899c673b8a4305523f2034a49fe48f9f5bdbdb910f"),
            Map.entry("documents_categories.csv", "5a7abc6a9e83692d0536e859c456abdd3d9ca010f42b9f6a0024bdd3e89bd19a"),
            Map.entry("documents_entities.csv", "215a1b4ce1463532d35b17b9b7742d1ed5b9469b46f7104dc2174615c0f6cd53"),
            Map.entry("documents_meta.csv", "db9bbcfae65a555efd0b084d2e43656f164fcdfbf4840b9cf43ba5a33f337a76"),
            Map.entry("documents_topics.csv", "516c5ee1dd2a818f89f8966d72e51f550acf64deee2d7f757c3ab9e4b1521bc7"),
            Map.entry("events.csv", "7c1e4c138b504f39fdb4d465315ac5a5a373ffaadb4a39e3a89c18b97ee18bce"),
            Map.entry("page_views.csv", "660579c517fcd7d17aab5988430cd792a9395221419a576cd20050ac035ee0b8"),
            Map.entry("promoted_content.csv", "82897d52cf45e44721403824cba5178ef66c62f65d8449ebaf4eb4863c7330f3"),
            Map.entry("truth/clicks_test_truth.csv",
                    "9d295e6adb6fe7b51027bfb006d4010ab0fe59db6f01a3285875914552b3df81"),
            Map.entry("truth/summary.json", "15b7f4d9435742490ddc492ef58c8152a143db9193b59d20e0265a856e484dd8"),
            Map.entry("truth/test_probabilities.csv",
                    "92cac97cc142434338d55963c89e6bdbefff761e0d478f8cc7abd3ed0c41b2ec"));

    @TempDir
    Path root;

    private static Map<String, String> digests(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                try {
                    out.put(dir.relativize(p).toString(), HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                } catch (NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }

    @Test
    void shouldWriteTheOriginalGeneratorsBytesInWorldZero() throws IOException {
        Path dir = root.resolve("w0");
        DataGenerator.generate(GeneratorConfig.defaults(3_000, 7, PlantedWorld.draw(0)), dir);

        Map<String, String> written = digests(dir);

        assertThat(written).containsAllEntriesOf(ORIGINAL);
        assertThat(written.keySet()).as("only truth/world.json is new").hasSize(ORIGINAL.size() + 1)
                .contains("truth/world.json");
    }

    @Test
    void shouldWriteTheSameBytesForTheSameWorldSeedAndDataSeed() throws IOException {
        DataGenerator.generate(GeneratorConfig.defaults(3_000, 7, PlantedWorld.draw(4)), root.resolve("a"));
        DataGenerator.generate(GeneratorConfig.defaults(3_000, 7, PlantedWorld.draw(4)), root.resolve("b"));
        DataGenerator.generate(GeneratorConfig.defaults(3_000, 7, PlantedWorld.draw(5)), root.resolve("c"));

        Map<String, String> first = digests(root.resolve("a"));
        assertThat(digests(root.resolve("b"))).isEqualTo(first);
        Map<String, String> otherWorld = digests(root.resolve("c"));
        assertThat(otherWorld.get("truth/test_probabilities.csv"))
                .isNotEqualTo(first.get("truth/test_probabilities.csv"));
        assertThat(otherWorld.get("truth/world.json")).isNotEqualTo(first.get("truth/world.json"));
    }

    @Test
    void shouldDescribeThePlantedWorldInTheTruthDirectory() throws IOException {
        PlantedWorld world = PlantedWorld.draw(4);
        GeneratorSummary summary = DataGenerator.generate(GeneratorConfig.defaults(3_000, 7, world),
                root.resolve("d"));

        JsonNode json = new ObjectMapper().readTree(root.resolve("d/truth/world.json").toFile());

        assertThat(summary.world()).isEqualTo(world);
        assertThat(json.get("world_seed").asLong()).isEqualTo(4);
        assertThat(json.get("planted")).hasSize(world.plantedEffects().size());
        assertThat(json.at("/effects/ad").asDouble()).isEqualTo(world.adSd());
        assertThat(json.get("label_noise").asDouble()).isEqualTo(world.labelNoise());
        assertThat(json.get("mean_ads_per_display").asDouble()).isEqualTo(world.meanAdsPerDisplay());
    }

    @Test
    void shouldGiveEachWorldItsOwnNumberOfCandidatesAndPageViews() throws IOException {
        PlantedWorld few = null;
        PlantedWorld many = null;
        for (long seed = 1; seed < 100 && (few == null || many == null); seed++) {
            PlantedWorld w = PlantedWorld.draw(seed);
            if (w.meanAdsPerDisplay() < 4 && w.pageViewsPerDisplay() < 1.5 && few == null) {
                few = w;
            } else if (w.meanAdsPerDisplay() > 8 && w.pageViewsPerDisplay() > 4 && many == null) {
                many = w;
            }
        }
        GeneratorSummary small = DataGenerator.generate(GeneratorConfig.defaults(2_000, 1, few), root.resolve("f"));
        GeneratorSummary large = DataGenerator.generate(GeneratorConfig.defaults(2_000, 1, many), root.resolve("m"));

        assertThat(large.rows().get("clicks_train.csv") / (double) large.trainDisplays())
                .isGreaterThan(2 * small.rows().get("clicks_train.csv") / (double) small.trainDisplays());
        assertThat(large.rows().get("page_views.csv")).isGreaterThan(2 * small.rows().get("page_views.csv"));
    }
}
