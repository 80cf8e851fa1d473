package dev.agentsh.policy.exec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Finds the real payload behind "transparent" wrapper commands, so that a policy judges what actually runs:
 * {@code env -i FOO=1 wget url} runs wget, {@code sudo -u root nice -n 5 curl x} runs curl.
 *
 * <p>Each built-in wrapper is parsed with its own option table, because a scanner that guesses option syntax
 * can be steered to the wrong word ({@code nice -n 5 wget} does not run a program called "5"). Wrappers added by
 * policy have unknown options, so every reading of them is considered. Thread-safe and immutable.
 */
public final class WrapperUnwrapper {

    public static final int MAX_LAYERS = 5;

    /** Bounds the invocations one layer may add when ambiguous readings multiply. */
    private static final int MAX_READINGS_PER_LAYER = 8;

    private final Set<String> added;
    private final Set<String> removed;

    /**
     * @param add    names from a policy's {@code transparent_commands.add}: wrappers with unknown options
     * @param remove names from {@code transparent_commands.remove}, built-ins included; wins over {@code add}
     */
    public WrapperUnwrapper(Collection<String> add, Collection<String> remove) {
        this.added = foldCase(add);
        this.removed = foldCase(remove);
    }

    /**
     * The built-in wrapper names: env nice nohup sudo time xargs busybox doas strace ltrace timeout stdbuf setsid
     * ionice taskset chrt, and "ld.so" for the dynamic-loader family (basenames starting "ld-linux" or "ld-musl",
     * or equal to "ld.so"). Removing "ld.so" removes the whole family.
     */
    public static Set<String> builtinWrappers() {
        return Collections.unmodifiableSortedSet(
                BuiltinWrappers.names().collect(Collectors.toCollection(TreeSet::new)));
    }

    public boolean isWrapper(String basename) {
        return basename != null && spec(basename).isPresent();
    }

    /**
     * Peels up to {@link #MAX_LAYERS} layers of wrappers off an exec. Never throws: malformed input yields the
     * original invocation alone.
     *
     * @param program path or name as exec'd; its basename decides whether it is a wrapper
     * @param argv    argv including argv[0]
     */
    public Unwrapping unwrap(String program, List<String> argv) {
        if (program != null && spec(basename(program)).isEmpty()) {
            // Most programs are not wrappers; this path runs on every exec, so it allocates little.
            return new Unwrapping(List.of(new Invocation(program, sanitize(argv), 0)), List.of(), true);
        }
        Invocation original = new Invocation(Objects.requireNonNullElse(program, ""), sanitize(argv), 0);
        List<Invocation> invocations = new ArrayList<>(List.of(original));
        Set<String> notes = new LinkedHashSet<>();
        Set<Command> seen = new HashSet<>(Set.of(Command.of(original)));
        List<Invocation> layer = List.of(original);
        boolean complete = true;
        while (!layer.isEmpty()) {
            List<Invocation> next = new ArrayList<>();
            for (Invocation invocation : layer) {
                Optional<WrapperSpec> spec = spec(basename(invocation.program()));
                if (spec.isEmpty()) {
                    continue;
                }
                if (invocation.layer() == MAX_LAYERS) {
                    notes.add("stopped after " + MAX_LAYERS + " layers: " + invocation.program() + " at layer "
                            + MAX_LAYERS + " was not peeled");
                    complete = false;
                    continue;
                }
                // One payload beyond what the layer holds is enough to know that some were left out.
                WrapperParser.Parsed parsed =
                        WrapperParser.payloads(spec.get(), invocation, notes, MAX_READINGS_PER_LAYER + 1);
                complete &= parsed.complete();
                for (Invocation payload : parsed.payloads()) {
                    if (!seen.add(Command.of(payload))) {
                        continue;
                    }
                    if (next.size() == MAX_READINGS_PER_LAYER) {
                        notes.add("ambiguous: more than " + MAX_READINGS_PER_LAYER + " readings at layer "
                                + payload.layer() + "; considered only the first " + MAX_READINGS_PER_LAYER);
                        complete = false;
                        break;
                    }
                    next.add(payload);
                }
            }
            invocations.addAll(next);
            layer = next;
        }
        return new Unwrapping(invocations, List.copyOf(notes), complete);
    }

    static String basename(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    private Optional<WrapperSpec> spec(String basename) {
        String folded = basename.toLowerCase(Locale.ROOT);
        if (removed.contains(folded)) {
            return Optional.empty();
        }
        Optional<WrapperSpec> builtin = BuiltinWrappers.lookup(basename);
        if (builtin.isPresent() && removed.contains(builtin.get().name().toLowerCase(Locale.ROOT))) {
            builtin = Optional.empty();
        }
        if (builtin.isPresent() || !added.contains(folded)) {
            return builtin;
        }
        return Optional.of(WrapperSpec.custom(basename));
    }

    private static Set<String> foldCase(Collection<String> names) {
        if (names == null) {
            return Set.of();
        }
        return names.stream()
                .filter(Objects::nonNull)
                .map(name -> name.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /**
     * argv with null words as empty ones. Loops rather than a stream: this runs on every exec, often in code the
     * JIT has not optimised yet, where setting up a stream costs more than the copy.
     */
    private static List<String> sanitize(List<String> argv) {
        if (argv == null) {
            return List.of();
        }
        boolean hasNull = false;
        for (String word : argv) {
            hasNull |= word == null;
        }
        if (!hasNull) {
            return List.copyOf(argv);   // no copy of a list that is already unmodifiable
        }
        List<String> words = new ArrayList<>(argv.size());
        for (String word : argv) {
            words.add(word == null ? "" : word);
        }
        return Collections.unmodifiableList(words);
    }

    /** An invocation regardless of layer: the same command found twice is evaluated once. */
    private record Command(String program, List<String> argv) {
        static Command of(Invocation invocation) {
            return new Command(invocation.program(), invocation.argv());
        }
    }
}
