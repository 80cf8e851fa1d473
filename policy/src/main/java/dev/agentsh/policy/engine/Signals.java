package dev.agentsh.policy.engine;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Linux signal names and numbers, and the groups policies may name. */
public final class Signals {
    private static final List<String> NAMES = List.of("", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
            "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
            "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS");
    private static final Map<String, Integer> ALIASES = Map.of("IOT", 6, "POLL", 29, "CLD", 17, "RTMIN", 34, "RTMAX", 64);
    public static final int MAX = 64;

    /** Signal groups: {@code @fatal}, {@code @job}, {@code @reload}, {@code @ignore}, {@code @all}. */
    public static final Map<String, List<Integer>> GROUPS = Map.of(
            "@fatal", List.of(9, 15, 3, 6),
            "@job", List.of(19, 18, 20, 21, 22),
            "@reload", List.of(1, 10, 12),
            "@ignore", List.of(17, 23, 28),
            "@all", java.util.stream.IntStream.rangeClosed(1, 31).boxed().toList());

    private Signals() {
    }

    /** The number of {@code SIGTERM}, {@code TERM}, {@code term} or {@code 15}; -1 when unknown. */
    public static int parse(String text) {
        String s = text.strip().toUpperCase(Locale.ROOT);
        if (!s.isEmpty() && s.chars().allMatch(Character::isDigit)) {
            int n = s.length() > 3 ? -1 : Integer.parseInt(s);
            return n >= 1 && n <= MAX ? n : -1;
        }
        if (s.startsWith("SIG")) {
            s = s.substring(3);
        }
        int i = NAMES.indexOf(s);
        if (i > 0) {
            return i;
        }
        return ALIASES.getOrDefault(s, -1);
    }

    public static String name(int signal) {
        if (signal > 0 && signal < NAMES.size()) {
            return "SIG" + NAMES.get(signal);
        }
        return signal >= 34 && signal <= MAX ? "SIGRTMIN+" + (signal - 34) : String.valueOf(signal);
    }
}
