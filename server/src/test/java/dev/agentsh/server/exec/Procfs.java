package dev.agentsh.server.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Reads process facts from /proc, so tests check what the kernel says rather than what the code believes. */
final class Procfs {

    /** The fields of /proc/&lt;pid&gt;/stat after "pid (comm)": [0] state, [1] ppid, [2] pgrp, [3] session, … */
    static String[] statAfterComm(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // comm may contain spaces and parentheses; it ends at the last ')'.
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** Live (non-zombie) processes whose process group is {@code pgid}. */
    static List<Long> liveGroupMembers(long pgid) throws IOException {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(name -> name.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong)
                    .filter(pid -> isLiveMember(pid, pgid))
                    .toList();
        }
    }

    private static boolean isLiveMember(long pid, long pgid) {
        try {
            String[] fields = statAfterComm(pid);
            return !fields[0].equals("Z") && Long.parseLong(fields[2]) == pgid;
        } catch (IOException e) {
            return false; // exited while we were looking
        }
    }

    private Procfs() {
    }
}
