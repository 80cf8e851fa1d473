package dev.agentsh.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reading /proc and /sys files. They report size 0, and {@link Files#readString} trusts the size: on this
 * kernel it returned "4" for /proc/sys/kernel/cap_last_cap, which holds "40". A stream read to end of file
 * gets the whole text.
 */
public final class PseudoFiles {
    private PseudoFiles() {
    }

    public static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
