package dev.wnd.app;

import dev.wnd.ingest.generate.GeneratorConfig;
import picocli.CommandLine.Option;

/**
 * {@code --page-views-per-display N}: the mean number of page views before each generated display, for data with
 * Outbrain's proportions (about 88 page views per display in its full data set). One declaration for every command
 * that generates data; when it is not given, the data keep the world's own value and their original bytes.
 */
public final class PageViewsOption {

    @Option(names = "--page-views-per-display", paramLabel = "N",
            description = "Mean page views in the 6 hours before each generated display, besides the view of the "
                    + "display's own page, in [0, " + GeneratorConfig.MAX_PAGE_VIEWS_PER_DISPLAY + "]. Outbrain's "
                    + "full data set has about 88 (default: the planted world's, 2 in world 0).")
    Double value;

    /**
     * {@code config} with the page views per display given on the command line, or {@code config} itself when none
     * was given.
     *
     * @throws IllegalArgumentException when the value given is outside [0,
     *     {@value GeneratorConfig#MAX_PAGE_VIEWS_PER_DISPLAY}]
     */
    public GeneratorConfig applyTo(GeneratorConfig config) {
        if (value == null) {
            return config;
        }
        if (!GeneratorConfig.allowsPageViewsPerDisplay(value)) {
            throw new IllegalArgumentException("--page-views-per-display must be in [0, "
                    + GeneratorConfig.MAX_PAGE_VIEWS_PER_DISPLAY + "], got " + value);
        }
        return config.withPageViewsPerDisplay(value);
    }
}
