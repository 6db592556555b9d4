package dev.wnd.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --json FILE}: a command's result as JSON, beside the text it prints. One declaration for every command. */
public final class JsonOption {

    @Option(names = "--json", paramLabel = "FILE",
            description = "Also write the result as JSON to FILE (its folder is created).")
    Path file;

    /** The file, or null when none was asked for. */
    public Path file() {
        return file;
    }

    /**
     * Writes {@code json} to the file, when one was asked for.
     *
     * @return whether it was written
     */
    public boolean write(String json) throws IOException {
        if (file == null) {
            return false;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, json.endsWith("\n") ? json : json + "\n");
        return true;
    }
}
