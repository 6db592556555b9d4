package dev.wnd.ingest.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Identifies the input of a replay without reading it all: SHA-256 over each file's kind, name, size, first and
 * last MiB, and over the stream options. Two inputs with the same fingerprint give the same stream.
 */
final class InputFingerprint {

    private static final int SAMPLE = 1 << 20;

    private InputFingerprint() {
    }

    static String of(Map<String, Path> files, StreamOptions options) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        for (Map.Entry<String, Path> file : files.entrySet()) {
            sha.update((file.getKey() + "=" + file.getValue().getFileName() + "\n").getBytes(StandardCharsets.UTF_8));
            try (FileChannel channel = FileChannel.open(file.getValue(), StandardOpenOption.READ)) {
                long size = channel.size();
                sha.update(ByteBuffer.allocate(8).putLong(0, size));
                sample(channel, 0, sha);
                sample(channel, Math.max(0, size - SAMPLE), sha);
            }
        }
        sha.update(("labelDelay=" + options.labelDelay().toMillis() + ",reorderBound="
                + options.reorderBound().toMillis() + ",maxEventRuns=" + options.maxEventRuns())
                .getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void sample(FileChannel channel, long from, MessageDigest sha) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(SAMPLE);
        channel.position(from);
        while (buffer.hasRemaining() && channel.read(buffer) > 0) {
            // fill
        }
        buffer.flip();
        sha.update(buffer);
    }
}
