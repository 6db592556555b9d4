package dev.wnd.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The planted optimum of a generated data set ({@code wnd generate}), from {@code <data>/truth/summary.json}: the
 * expected MAP@12 of ranking each TEST display's ads by their true click probabilities, and of a random ranking.
 * The generator knows the truth only for its test displays; the validation displays come from the same click
 * model, so the gap between the two is the room a model has on either set.
 *
 * @param map12Optimal expected MAP@12 of the true-probability ranking on the test displays
 * @param map12Random expected MAP@12 of a random ranking on the test displays
 * @param testDisplays how many test displays these are over
 */
public record PlantedTruth(double map12Optimal, double map12Random, long testDisplays) {

    public PlantedTruth {
        if (!(map12Optimal > map12Random)) {
            throw new IllegalArgumentException("the optimum (" + map12Optimal + ") must beat random ("
                    + map12Random + ")");
        }
    }

    /** Reads {@code <dataDir>/truth/summary.json}; empty when the data set has none (real Outbrain data). */
    public static Optional<PlantedTruth> read(Path dataDir) throws IOException {
        Path file = dataDir.resolve("truth").resolve("summary.json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode n = Json.MAPPER.readTree(file.toFile());
        double optimal = Json.number(n, "map12_optimal");
        double random = Json.number(n, "map12_random");
        if (Double.isNaN(optimal) || Double.isNaN(random)) {
            throw new IOException(file + " has no map12_optimal and map12_random");
        }
        return Optional.of(new PlantedTruth(optimal, random, n.path("test_displays").asLong()));
    }

    /**
     * How far {@code map12} goes from random towards the optimum: {@code (map12 − random) / (optimal − random)},
     * 0 for random, 1 for the planted optimum. {@code randomOnSameDisplays} is the random baseline on the displays
     * {@code map12} was measured on; the denominator is the planted gap on the test displays.
     */
    public double normalize(double map12, double randomOnSameDisplays) {
        return (map12 - randomOnSameDisplays) / (map12Optimal - map12Random);
    }
}
