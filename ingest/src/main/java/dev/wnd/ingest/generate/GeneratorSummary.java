package dev.wnd.ingest.generate;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link DataGenerator#generate} wrote (also in {@code truth/summary.json}).
 *
 * @param directory where the files are
 * @param seed the seed used
 * @param displays all displays (rows of events.csv)
 * @param trainDisplays displays in clicks_train.csv
 * @param testDisplays displays in clicks_test.csv (their labels are only in truth/clicks_test_truth.csv)
 * @param rows data rows written per file name
 * @param map12Optimal expected MAP@12 over the test displays of ranking each display's ads by their true click
 *     probability (the best any model can expect)
 * @param map12Random expected MAP@12 over the test displays of a random ranking
 * @param world the planted world (also in truth/world.json)
 */
public record GeneratorSummary(Path directory, long seed, long displays, long trainDisplays, long testDisplays,
        Map<String, Long> rows, double map12Optimal, double map12Random, PlantedWorld world) {

    public GeneratorSummary {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(world, "world");
        rows = Collections.unmodifiableMap(new LinkedHashMap<>(rows));
    }
}
