package dev.agentsh.server.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** An enum constant written as a fixed word in YAML ({@code api_key}, {@code local_tty}, {@code landlock-only}). */
public interface Keyword {
    /** Implemented by every enum. */
    String name();

    /** The spelling in the configuration file: the constant's name in lower case unless overridden. */
    default String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    static <E extends Enum<E> & Keyword> Optional<E> parse(Class<E> type, String text) {
        return Arrays.stream(type.getEnumConstants()).filter(e -> e.keyword().equals(text)).findFirst();
    }

    /** {@code "a, b, c"}: the accepted words, for error messages. */
    static <E extends Enum<E> & Keyword> String choices(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Keyword::keyword).collect(Collectors.joining(", "));
    }
}
