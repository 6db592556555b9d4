package dev.wnd.app;

import dev.wnd.ingest.inspect.InspectionReport;
import dev.wnd.ingest.inspect.Inspector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Parses every Outbrain CSV of a directory and reports rows, rejects and value ranges. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Parse every Outbrain CSV in DIR (plain, .gz or .zip); report rows, rejected rows (file, line,"
                + " reason), value ranges and dangling references across files.")
final class InspectCommand implements Callable<Integer> {

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Directory of Outbrain CSV files.")
    Path data;

    @Mixin
    JsonOption json;

    @Override
    public Integer call() throws Exception {
        InspectionReport report = Inspector.inspect(data);
        System.out.print(report.toText());
        if (json.write(report.toJson())) {
            System.out.println("JSON report written to " + json.file());
        }
        return 0;
    }
}
