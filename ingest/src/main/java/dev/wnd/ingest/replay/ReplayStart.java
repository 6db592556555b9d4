package dev.wnd.ingest.replay;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a replay is about to do, told to {@link ProgressListener#onStart}.
 *
 * @param replayId the replay's id
 * @param files the files read, by Kaggle base name
 * @param unusedFiles files present but not read (displays need events.csv and a clicks file)
 * @param bytesTotal size of the files read
 * @param eventRuns time-ordered runs found in events.csv
 * @param resumeFrom records of the stream already committed by earlier runs, skipped now
 * @param fingerprint fingerprint of the input files and stream options
 */
public record ReplayStart(String replayId, Map<String, Path> files, List<String> unusedFiles, long bytesTotal,
        int eventRuns, long resumeFrom, String fingerprint) {

    public ReplayStart {
        files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
        unusedFiles = List.copyOf(unusedFiles);
    }
}
