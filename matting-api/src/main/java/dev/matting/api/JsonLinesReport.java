package dev.matting.api;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.matting.common.MattingException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A batch job's per-input report as JSON Lines, appended as each input finishes. Each line goes to the file in one
 * positioned write of the whole line (no user-space buffer), so a process that is killed leaves only whole lines;
 * a line a power cut tore is ended before the next run appends. The first write error stops the report and is kept
 * for the job to raise.
 */
final class JsonLinesReport {
    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    private final Path file;
    private final FileChannel channel;
    private IOException failure;

    private JsonLinesReport(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    static JsonLinesReport open(Path file) {
        try {
            Path abs = file.toAbsolutePath();
            Files.createDirectories(abs.getParent());
            FileChannel ch = FileChannel.open(abs, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            JsonLinesReport r = new JsonLinesReport(file, ch);
            long size = ch.size();
            if (size > 0) {
                ByteBuffer last = ByteBuffer.allocate(1);
                try (FileChannel read = FileChannel.open(abs, StandardOpenOption.READ)) {
                    read.read(last, size - 1);
                }
                if (last.get(0) != '\n') {
                    r.writeFully("\n".getBytes(StandardCharsets.UTF_8));
                }
            }
            return r;
        } catch (IOException e) {
            throw new MattingException("cannot open the report '" + file + "': " + e, e);
        }
    }

    /** The line for one input: input, output, status, reason, ms. */
    static String line(BatchItem item) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("input", item.source().path().map(Path::toString).orElse(item.source().name()));
        m.put("output", item.output() == null ? null : item.output().toString());
        m.put("status", item.status().name().toLowerCase(Locale.ROOT));
        m.put("reason", item.reason());
        m.put("ms", item.elapsed().toMillis());
        return GSON.toJson(m) + "\n";
    }

    synchronized void append(BatchItem item) {
        if (failure != null) {
            return;
        }
        try {
            writeFully(line(item).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            failure = e;
        }
    }

    private void writeFully(byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    synchronized Optional<IOException> failure() {
        return Optional.ofNullable(failure);
    }

    /** Forces the lines to the disk and closes the file. */
    synchronized void close() {
        try {
            if (failure == null) {
                channel.force(true);
            }
        } catch (IOException e) {
            failure = e;
        } finally {
            try {
                channel.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "report " + file;
    }
}
