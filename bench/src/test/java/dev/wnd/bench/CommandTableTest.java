package dev.wnd.bench;

import dev.wnd.app.Wnd;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The README's commands table (the first table under its "## Commands" heading) against the real command line
 * ({@link Wnd#commandLine(Map)}): every visible command, {@code bench}'s subcommands included, has a row, and every
 * command a row names exists. A row names commands in its first cell, as code spans that start with {@code ./wnd}
 * ({@code `./wnd bench scorer [--rate R]`}); the words after {@code ./wnd} up to the first option or placeholder are
 * the command's path. Hidden commands ({@code config-table}) and picocli's {@code help} may be left out.
 */
class CommandTableTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Pattern CODE_SPAN = Pattern.compile("`(\\./wnd(?: [^`]*)?)`");
    private static final Pattern COMMAND_WORD = Pattern.compile("[a-z][a-z0-9-]*");

    @Test
    void shouldListEveryVisibleCommandAndBenchSubcommandInTheReadmesTable() throws Exception {
        CommandLine cli = Wnd.commandLine(Map.of());
        Set<String> documented = new TreeSet<>();
        for (String invocation : invocationsInTable()) {
            String path = pathOf(cli, invocation);
            for (String prefix = path; !prefix.isEmpty(); prefix = parentOf(prefix)) {
                documented.add(prefix);
            }
        }

        assertThat(visibleCommands(cli, "")).contains("bench learner", "registry", "health")
                .allSatisfy(command -> assertThat(documented)
                        .as("README.md's commands table has no row for `./wnd %s`", command).contains(command));
    }

    @Test
    void shouldNameOnlyCommandsThatExist() throws Exception {
        CommandLine cli = Wnd.commandLine(Map.of());
        List<String> invocations = invocationsInTable();

        assertThat(invocations).as("code spans starting with ./wnd in README.md's commands table").isNotEmpty()
                .allSatisfy(invocation -> assertThat(pathOf(cli, invocation))
                        .as("`%s` in README.md's commands table names no wnd command", invocation).isNotEmpty());
    }

    @Test
    void shouldReadTheCommandPathUpToTheFirstOptionOrPlaceholder() {
        CommandLine cli = Wnd.commandLine(Map.of());

        assertThat(pathOf(cli, "./wnd bench scorer --rate 1000")).isEqualTo("bench scorer");
        assertThat(pathOf(cli, "./wnd train --data DIR --model-dir M")).isEqualTo("train");
        assertThat(pathOf(cli, "./wnd bench learner|features")).isEqualTo("bench learner");
        assertThat(pathOf(cli, "./wnd bench lerner")).as("a misspelt subcommand").isEmpty();
        assertThat(pathOf(cli, "./wnd trian --data DIR")).as("a misspelt command").isEmpty();
    }

    /** Every code span starting with {@code ./wnd} in the first cell of the commands table's rows. */
    private static List<String> invocationsInTable() throws Exception {
        List<String> lines = Files.readAllLines(README);
        int heading = lines.indexOf("## Commands");
        assertThat(heading).as("README.md has a \"## Commands\" heading").isNotNegative();
        int row = heading + 1;
        while (row < lines.size() && !lines.get(row).startsWith("|")) {
            row++;
        }
        List<String> invocations = new ArrayList<>();
        for (int i = row + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String firstCell = lines.get(i).substring(1).split("(?<!\\\\)\\|", 2)[0];
            Matcher m = CODE_SPAN.matcher(firstCell);
            while (m.find()) {
                invocations.add(m.group(1));
            }
        }
        return invocations;
    }

    /**
     * The command path an invocation names ({@code "bench scorer"}), or "" when its words name no command: a word
     * that is neither an option nor a placeholder must be a subcommand of the command before it.
     */
    private static String pathOf(CommandLine root, String invocation) {
        String[] words = invocation.trim().split("\\s+");
        CommandLine command = root;
        StringBuilder path = new StringBuilder();
        for (int i = 1; i < words.length; i++) {
            String word = words[i].split("[|\\[\\]]", 2)[0];
            if (!COMMAND_WORD.matcher(word).matches()) {
                break;
            }
            CommandLine sub = command.getSubcommands().get(word);
            if (sub == null) {
                return command == root || !command.getSubcommands().isEmpty() ? "" : path.toString();
            }
            path.append(path.length() == 0 ? "" : " ").append(word);
            command = sub;
        }
        return path.toString();
    }

    private static String parentOf(String path) {
        int space = path.lastIndexOf(' ');
        return space < 0 ? "" : path.substring(0, space);
    }

    /** Every command under {@code command} that a user sees in {@code --help}, as paths. */
    private static Set<String> visibleCommands(CommandLine command, String prefix) {
        Set<String> paths = new TreeSet<>();
        command.getSubcommands().forEach((name, sub) -> {
            if (sub.getCommandSpec().usageMessage().hidden() || !name.equals(sub.getCommandName())
                    || sub.getCommand() instanceof CommandLine.HelpCommand) {
                return;
            }
            String path = prefix + name;
            paths.add(path);
            paths.addAll(visibleCommands(sub, path + " "));
        });
        return paths;
    }
}
