package dev.agentsh.policy.exec;

import dev.agentsh.policy.exec.WrapperSpec.Arity;
import dev.agentsh.policy.exec.WrapperSpec.Assignments;
import dev.agentsh.policy.exec.WrapperSpec.Dialect;
import dev.agentsh.policy.exec.WrapperSpec.Effect;
import dev.agentsh.policy.exec.WrapperSpec.Option;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds every command that one wrapper invocation may run.
 *
 * <p>Parsing is a search over partial readings ({@link Cursor}s): a word the wrapper's syntax does not settle
 * (an unknown option, an argument that may or may not be there) forks the reading, and readings that reach the
 * same state are merged, so even long runs of ambiguous options cost linear time.
 */
final class WrapperParser {

    /**
     * Honest input needs a few states per word; readings only multiply beyond that when -S rewrites or --argv0
     * values differ between branches. These bound the work on adversarial input.
     */
    private static final int STATES_PER_WORD = 16;
    private static final int MAX_SPLICES = 32;

    /** Words quoted in notes are cut to this length, so that notes stay readable and small. */
    private static final int NOTE_WORD_LENGTH = 60;

    private enum Phase { OPTIONS, ASSIGNMENTS, OPERANDS }

    /**
     * One partial reading.
     *
     * @param args       the wrapper's arguments after argv[0], as rewritten by any -S so far
     * @param generation identifies {@code args} cheaply: readings are only merged within one rewrite
     * @param argv0      the payload's argv[0] when an option overrides it, else null
     */
    private record Cursor(List<String> args, int generation, int pos, Phase phase, boolean targetsProcesses,
                          String argv0) {

        boolean atEnd() {
            return pos >= args.size();
        }

        String word() {
            return args.get(pos);
        }

        Cursor at(int newPos) {
            return new Cursor(args, generation, newPos, phase, targetsProcesses, argv0);
        }

        Cursor in(Phase newPhase) {
            return new Cursor(args, generation, pos, newPhase, targetsProcesses, argv0);
        }

        Cursor applying(Effect effect, String value) {
            return switch (effect) {
                case TARGETS_PROCESSES -> new Cursor(args, generation, pos, phase, true, argv0);
                case SETS_ARGV0 -> new Cursor(args, generation, pos, phase, targetsProcesses, value);
                case NONE, SPLIT_STRING -> this;
            };
        }

        /** Replaces the words before {@code resumeAt} with {@code words} and continues reading options there. */
        Cursor splicing(List<String> words, int resumeAt, int newGeneration) {
            List<String> spliced = new ArrayList<>(words);
            spliced.addAll(args.subList(Math.min(resumeAt, args.size()), args.size()));
            return new Cursor(spliced, newGeneration, 0, Phase.OPTIONS, targetsProcesses, argv0);
        }

        State state() {
            return new State(generation, pos, phase, targetsProcesses, argv0);
        }
    }

    private record State(int generation, int pos, Phase phase, boolean targetsProcesses, String argv0) {
    }

    private final WrapperSpec spec;
    private final Invocation wrapper;
    private final Collection<String> notes;
    private final Deque<Cursor> pending = new ArrayDeque<>();
    private final Set<Invocation> payloads = new LinkedHashSet<>();
    private boolean cut;
    private final int enough;
    private int generations;

    private WrapperParser(WrapperSpec spec, Invocation wrapper, Collection<String> notes, int enough) {
        this.spec = spec;
        this.wrapper = wrapper;
        this.notes = notes;
        this.enough = enough;
    }

    /**
     * The commands {@code wrapper} may run, as invocations one layer deeper, in the order they were found;
     * the search stops once {@code enough} of them are found. Explanations are appended to {@code notes}.
     */
    /** The payloads found; {@code complete} is false when hostile input made us stop exploring readings. */
    record Parsed(List<Invocation> payloads, boolean complete) {
    }

    static Parsed payloads(WrapperSpec spec, Invocation wrapper, Collection<String> notes, int enough) {
        WrapperParser parser = new WrapperParser(spec, wrapper, notes, enough);
        if (spec.dialect() == Dialect.MULTICALL) {
            parser.readMulticall();
        } else {
            parser.explore();
        }
        return new Parsed(List.copyOf(parser.payloads), !parser.cut);
    }

    private void explore() {
        List<String> argv = wrapper.argv();
        List<String> args = argv.isEmpty() ? List.of() : argv.subList(1, argv.size());
        pending.add(new Cursor(args, 0, 0, Phase.OPTIONS, false, null));
        Set<State> visited = new HashSet<>();
        int budget = STATES_PER_WORD * (args.size() + 1);
        while (!pending.isEmpty() && payloads.size() < enough) {
            Cursor cursor = pending.poll();
            if (!visited.add(cursor.state())) {
                continue;
            }
            if (visited.size() > budget) {
                noteExplorationCut();
                return;
            }
            switch (cursor.phase()) {
                case OPTIONS -> readOption(cursor);
                case ASSIGNMENTS -> readAssignment(cursor);
                case OPERANDS -> readOperands(cursor);
            }
        }
    }

    private void readOption(Cursor cursor) {
        if (cursor.atEnd()) {
            endOptions(cursor);
            return;
        }
        String word = cursor.word();
        if (word.equals("--")) {
            endOptions(cursor.at(cursor.pos() + 1));
        } else if (spec.legacyNumericFlags() && isLegacyNumericFlag(word)) {
            notes.add(spec.name() + ": " + abbreviated(word) + " is an adjustment");
            pending.add(cursor.at(cursor.pos() + 1));
        } else if (word.startsWith("--")) {
            readLongOption(cursor, word);
        } else if (word.startsWith("-") && word.length() > 1 && spec.dialect() == Dialect.GETOPT) {
            readShortOptions(cursor, word);
        } else if (spec.assignments() == Assignments.AMONG_OPTIONS && word.indexOf('=') >= 0) {
            skipAssignment(cursor);
        } else {
            endOptions(cursor);
        }
    }

    private void readLongOption(Cursor cursor, String word) {
        int equals = word.indexOf('=');
        String written = equals < 0 ? word : word.substring(0, equals);
        String attached = equals < 0 ? null : word.substring(equals + 1);
        Map.Entry<String, Option> match = spec.longOption(written);
        if (match == null) {
            if (attached == null) {
                noteBothReadings("unknown option " + abbreviated(written) + " of " + spec.name());
                pending.add(cursor.at(cursor.pos() + 1));
            }
            takeValue(cursor, written, Effect.NONE, attached);
            return;
        }
        String name = match.getKey();
        Option option = match.getValue();
        switch (option.arity()) {
            case NONE, OPTIONAL -> pending.add(cursor.applying(option.effect(), attached).at(cursor.pos() + 1));
            case REQUIRED -> takeValue(cursor, name, option.effect(), attached);
            case EITHER -> {
                if (attached == null) {
                    noteBothReadings("option " + name + " of " + spec.name() + " may or may not take an argument");
                    pending.add(cursor.at(cursor.pos() + 1));
                }
                takeValue(cursor, name, option.effect(), attached);
            }
        }
    }

    /** Reads a cluster such as "-iu0" or "-oL" letter by letter, as getopt does. */
    private void readShortOptions(Cursor cursor, String word) {
        Cursor current = cursor;
        for (int i = 1; i < word.length(); i++) {
            String name = "-" + word.charAt(i);
            boolean valueAttached = i + 1 < word.length();
            Option option = spec.options().get(name);
            if (option == null) {
                // One reading lets the unknown letter take an argument; the loop continues the other.
                noteBothReadings("unknown option " + name + " of " + spec.name());
                if (valueAttached) {
                    pending.add(current.at(cursor.pos() + 1));
                } else {
                    takeValue(current, name, Effect.NONE, null);
                }
                continue;
            }
            if (option.arity() == Arity.NONE) {
                current = current.applying(option.effect(), null);
                continue;
            }
            String attached = valueAttached ? word.substring(i + 1) : null;
            if (option.arity() == Arity.OPTIONAL) {
                pending.add(current.applying(option.effect(), attached).at(cursor.pos() + 1));
                return;
            }
            takeValue(current, name, option.effect(), attached);
            if (option.arity() == Arity.EITHER && attached == null) {
                noteBothReadings("option " + name + " of " + spec.name() + " may or may not take an argument");
                pending.add(current.at(cursor.pos() + 1));
            }
            return;
        }
        pending.add(current.at(cursor.pos() + 1));
    }

    /** The option at the cursor takes a value: the attached text, else the next word. */
    private void takeValue(Cursor cursor, String name, Effect effect, String attached) {
        int resumeAt = cursor.pos() + (attached == null ? 2 : 1);
        String value = attached != null ? attached
                : resumeAt - 1 < cursor.args().size() ? cursor.args().get(resumeAt - 1) : null;
        if (value == null) {
            // getopt rejects the missing argument and the wrapper exits without running anything.
            notes.add(spec.name() + ": option " + abbreviated(name) + " lacks its argument");
            return;
        }
        notes.add(spec.name() + ": option " + abbreviated(name) + " takes an argument (" + abbreviated(value) + ")");
        if (effect == Effect.SPLIT_STRING) {
            if (generations == MAX_SPLICES) {
                noteExplorationCut();
                return;
            }
            List<String> words = Arrays.stream(value.split("\\s+")).filter(w -> !w.isEmpty()).toList();
            notes.add(spec.name() + ": " + name + " splits its argument into " + abbreviated(words.toString()));
            pending.add(cursor.splicing(words, resumeAt, ++generations));
        } else {
            pending.add(cursor.applying(effect, value).at(resumeAt));
        }
    }

    private void endOptions(Cursor cursor) {
        boolean loneDash = spec.loneDashIsFlag() && !cursor.atEnd() && cursor.word().equals("-");
        pending.add((loneDash ? cursor.at(cursor.pos() + 1) : cursor).in(Phase.ASSIGNMENTS));
    }

    private void readAssignment(Cursor cursor) {
        if (spec.assignments() == Assignments.NONE || cursor.atEnd() || cursor.word().indexOf('=') < 0) {
            pending.add(cursor.in(Phase.OPERANDS));
        } else {
            skipAssignment(cursor);
        }
    }

    /**
     * The word at the cursor contains '='. Only NAME=VALUE is certainly an assignment: env takes any word with '='
     * as one, and sudo stops taking them after "--", so otherwise the word may also be the command.
     */
    private void skipAssignment(Cursor cursor) {
        String word = cursor.word();
        boolean certain = isAssignment(word)
                && (spec.assignments() == Assignments.BEFORE_COMMAND || cursor.phase() == Phase.OPTIONS);
        pending.add(cursor.at(cursor.pos() + 1));
        if (certain) {
            notes.add(spec.name() + ": skipped environment assignment " + abbreviated(word));
        } else {
            noteBothReadings(abbreviated(word) + " may be an environment assignment or the command of " + spec.name());
            pending.add(cursor.in(Phase.OPERANDS));
        }
    }

    private void readOperands(Cursor cursor) {
        if (cursor.targetsProcesses()) {
            notes.add(spec.name() + ": no payload (it acts on existing processes)");
            return;
        }
        boolean leadingOperand = !cursor.atEnd() && switch (spec.leadingOperand()) {
            case NONE -> false;
            case REQUIRED -> true;
            case NUMERIC_IF_PRESENT -> isNumber(cursor.word());
        };
        if (leadingOperand) {
            notes.add(spec.name() + ": operand " + abbreviated(cursor.word()) + " comes before the command");
        }
        int commandAt = cursor.pos() + (leadingOperand ? 1 : 0);
        if (commandAt >= cursor.args().size()) {
            notes.add(spec.name() + ": no payload");
            return;
        }
        List<String> argv = new ArrayList<>(cursor.args().subList(commandAt, cursor.args().size()));
        if (cursor.argv0() != null) {
            argv.set(0, cursor.argv0());
        }
        addPayload(cursor.args().get(commandAt), argv);
    }

    /**
     * busybox dispatches on the basename of argv[0] (a login shell's leading '-' removed), unless that is busybox
     * itself; then the first argument names the applet.
     */
    private void readMulticall() {
        List<String> argv = wrapper.argv();
        String invokedAs = argv.isEmpty() ? "" : WrapperUnwrapper.basename(stripLoginDash(argv.getFirst()));
        if (!invokedAs.isEmpty() && !invokedAs.equals(spec.name())) {
            notes.add(spec.name() + ": invoked as " + abbreviated(invokedAs) + ", the applet it runs");
            List<String> payloadArgv = new ArrayList<>(argv);
            payloadArgv.set(0, invokedAs);
            addPayload(invokedAs, payloadArgv);
        } else if (argv.size() < 2) {
            notes.add(spec.name() + ": no payload");
        } else if (isMulticallCommand(argv.get(1))) {
            notes.add(spec.name() + ": " + abbreviated(argv.get(1)) + " runs no applet; no payload");
        } else {
            addPayload(argv.get(1), argv.subList(1, argv.size()));
        }
    }

    private void addPayload(String program, List<String> argv) {
        payloads.add(new Invocation(program, argv, wrapper.layer() + 1));
        notes.add(spec.name() + ": payload is " + abbreviated(program));
    }

    private void noteBothReadings(String what) {
        notes.add("ambiguous: " + what + "; considered both readings");
    }

    private void noteExplorationCut() {
        cut = true;
        notes.add("ambiguous: too many readings of " + spec.name() + "; not all of them were explored");
    }

    private static String abbreviated(String word) {
        return word.length() <= NOTE_WORD_LENGTH ? word : word.substring(0, NOTE_WORD_LENGTH - 3) + "...";
    }

    /** coreutils nice: "-5", "--5" and "-+5" are adjustments, judged by the character after the sign. */
    private static boolean isLegacyNumericFlag(String word) {
        if (word.length() < 2 || word.charAt(0) != '-') {
            return false;
        }
        int digitAt = word.charAt(1) == '-' || word.charAt(1) == '+' ? 2 : 1;
        return digitAt < word.length() && isAsciiDigit(word.charAt(digitAt));
    }

    private static boolean isAssignment(String word) {
        int equals = word.indexOf('=');
        if (equals <= 0 || isAsciiDigit(word.charAt(0))) {
            return false;
        }
        for (int i = 0; i < equals; i++) {
            char c = word.charAt(i);
            if (!(c == '_' || isAsciiDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isNumber(String word) {
        return !word.isEmpty() && word.chars().allMatch(WrapperParser::isAsciiDigit);
    }

    private static boolean isAsciiDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static String stripLoginDash(String argv0) {
        return argv0.startsWith("-") ? argv0.substring(1) : argv0;
    }

    private static boolean isMulticallCommand(String word) {
        return word.startsWith("--list") || word.equals("--install") || word.equals("--help");
    }
}
