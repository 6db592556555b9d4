package dev.wnd.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The project's documents (README.md, BENCHMARKS.md and docs/*.md) link to each other by relative paths and section
 * anchors: every such link must reach an existing file and, when it names an anchor, a heading of that file (anchors
 * as GitHub makes them from headings). Code comments that name a section of docs/design.md must name an existing
 * heading too.
 */
class DocumentationLinksTest {

    private static final Path ROOT = Path.of("..");
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern FENCE = Pattern.compile("(?ms)^```.*?^```");
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`\\n]*`");
    private static final Pattern HEADING = Pattern.compile("(?m)^#{1,6} +(.+?) *#*$");
    private static final Pattern DESIGN_SECTION = Pattern.compile("docs/design\\.md \\(\"([^\"]+)\"\\)");

    @Test
    void shouldResolveEveryRelativeLinkAndAnchorOfTheDocuments() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path doc : documents()) {
            for (String target : linksIn(Files.readString(doc))) {
                if (target.matches("^[a-z]+:.*")) {
                    continue;
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(ROOT.relativize(doc) + ": " + target + " (no such file)");
                } else if (hash >= 0 && resolved.toString().endsWith(".md")
                        && !anchorsOf(Files.readString(resolved)).contains(target.substring(hash + 1))) {
                    broken.add(ROOT.relativize(doc) + ": " + target + " (no such heading)");
                }
            }
        }

        assertThat(broken).as("links in the documents that lead nowhere").isEmpty();
    }

    @Test
    void shouldKeepTheDesignSectionsThatCodeCommentsName() throws IOException {
        Set<String> anchors = anchorsOf(Files.readString(ROOT.resolve("docs/design.md")));
        Map<String, String> named = new HashMap<>();
        for (Path source : mainSources()) {
            String text = Files.readString(source).replaceAll("\\n\\s*\\* ?", " ");
            Matcher m = DESIGN_SECTION.matcher(text);
            while (m.find()) {
                named.put(m.group(1), ROOT.relativize(source).toString());
            }
        }

        assertThat(named).as("sections of docs/design.md named in code comments")
                .containsKey("Why the object caches exist");
        named.forEach((section, source) -> assertThat(anchors)
                .as("%s names the section \"%s\" of docs/design.md", source, section).contains(slug(section)));
    }

    @Test
    void shouldMakeAnchorsAsGitHubDoes() {
        assertThat(slug("The MLP on the host, and the Kafka path's floor"))
                .isEqualTo("the-mlp-on-the-host-and-the-kafka-paths-floor");
        assertThat(slug("`wnd` on 64-bit keys (3×256)")).isEqualTo("wnd-on-64-bit-keys-3256");
        assertThat(anchorsOf("# A\n## A\n```\n# not a heading\n```\n")).containsExactly("a", "a-1");
    }

    /** The main Java sources of every module. */
    private static List<Path> mainSources() throws IOException {
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path main : modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).toList()) {
                try (Stream<Path> files = Files.walk(main)) {
                    files.filter(p -> p.toString().endsWith(".java")).forEach(sources::add);
                }
            }
        }
        return sources;
    }

    private static List<Path> documents() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("BENCHMARKS.md")));
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    /** Link targets outside code blocks and code spans. */
    private static List<String> linksIn(String markdown) {
        String prose = CODE_SPAN.matcher(FENCE.matcher(markdown).replaceAll("")).replaceAll("");
        List<String> targets = new ArrayList<>();
        Matcher m = LINK.matcher(prose);
        while (m.find()) {
            targets.add(m.group(1));
        }
        return targets;
    }

    /** The anchors GitHub gives the headings of a document, a repeated one numbered from -1. */
    private static Set<String> anchorsOf(String markdown) {
        Set<String> anchors = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        Matcher m = HEADING.matcher(FENCE.matcher(markdown).replaceAll(""));
        while (m.find()) {
            String slug = slug(m.group(1));
            int n = seen.merge(slug, 1, Integer::sum) - 1;
            anchors.add(n == 0 ? slug : slug + "-" + n);
        }
        return anchors;
    }

    /** A heading's anchor: lower case, markup and punctuation dropped, spaces as hyphens. */
    static String slug(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
        return text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
    }
}
