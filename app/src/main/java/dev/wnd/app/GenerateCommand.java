package dev.wnd.app;

import dev.wnd.ingest.generate.DataGenerator;
import dev.wnd.ingest.generate.GeneratorConfig;
import dev.wnd.ingest.generate.GeneratorSummary;
import dev.wnd.ingest.generate.PlantedWorld;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes a synthetic data set in the exact Outbrain CSV schema. */
@Command(name = "generate", mixinStandardHelpOptions = true, defaultValueProvider = GenerateCommand.Defaults.class,
        description = "Write a synthetic data set in the exact Outbrain CSV schema, with its planted-model truth "
                + "under DIR/truth/.")
final class GenerateCommand implements Callable<Integer> {

    /** This command's own defaults for shared options. */
    static final class Defaults extends OptionDefaults {
        @Override
        protected java.util.Map<String, String> values() {
            return java.util.Map.of("--displays", "100000");
        }
    }

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write into.")
    Path out;

    @Mixin
    DisplaysOption displays;

    @Option(names = {"--data-seed", "--seed"}, defaultValue = "1",
            description = "Seed of the generated data: same seed, same bytes (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--world-seed", defaultValue = "0", paramLabel = "W",
            description = "Seed of the planted world: which effects make a click, how strong each is, the label "
                    + "noise, candidates and page views per display (truth/world.json says which). 0 is the "
                    + "original world (default: ${DEFAULT-VALUE}).")
    long worldSeed;

    @Mixin
    PageViewsOption pageViews;

    @Override
    public Integer call() throws Exception {
        PlantedWorld world = PlantedWorld.draw(worldSeed);
        GeneratorConfig config = pageViews.applyTo(GeneratorConfig.defaults(displays.value(), seed, world));
        GeneratorSummary summary = DataGenerator.generate(config, out);
        System.out.printf("wrote %,d displays (%,d train, %,d test) to %s%n", summary.displays(),
                summary.trainDisplays(), summary.testDisplays(), summary.directory());
        System.out.println(world.describe());
        if (config.pageViewsPerDisplay() != world.pageViewsPerDisplay()) {
            System.out.printf("page views per display: %s (--page-views-per-display), not the world's %s%n",
                    config.pageViewsPerDisplay(), world.pageViewsPerDisplay());
        }
        summary.rows().forEach((file, rows) -> System.out.printf("  %-26s %,12d rows%n", file, rows));
        System.out.printf("expected MAP@12 on the test displays: planted optimum %.4f, random ranking %.4f%n",
                summary.map12Optimal(), summary.map12Random());
        return 0;
    }
}
