package dev.agentsh.policy.shell;

import dev.agentsh.policy.shell.Token.Operator;
import dev.agentsh.policy.shell.Token.Redirection;
import dev.agentsh.policy.shell.Token.Word;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Groups tokens into simple commands, following the command-list grammar: operators separate
 * commands, redirections are set aside, and the reserved words of if/while/until, braces and
 * subshells only delimit commands. Their nesting is still checked, because a script the shell would
 * parse differently could hide a command; anything malformed is opaque.
 */
final class ScriptParser {

    private static final Pattern MULTI_DIGIT_DESCRIPTOR = Pattern.compile("[0-9]{2}");

    /** Reserved words whose bodies this analysis does not follow (yet). */
    private static final Map<String, String> UNSUPPORTED_RESERVED_WORDS = Map.of(
            "for", "for loop",
            "case", "case statement",
            "select", "select loop",
            "function", "function definition",
            "[[", "[[ ... ]] conditional",
            "coproc", "coproc",
            "repeat", "zsh repeat loop",
            "foreach", "zsh foreach loop");

    /** The reserved words this analysis follows. */
    private enum ReservedWord {
        NEGATION("!"), OPEN_BRACE("{"), CLOSE_BRACE("}"), IF("if"), THEN("then"), ELIF("elif"),
        ELSE("else"), FI("fi"), WHILE("while"), UNTIL("until"), DO("do"), DONE("done"), TIME("time");

        private static final Map<String, ReservedWord> BY_SPELLING =
                Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(w -> w.spelling, w -> w));

        private final String spelling;

        ReservedWord(String spelling) {
            this.spelling = spelling;
        }
    }

    private enum Block {
        IF_CONDITION("if"),
        IF_BODY("then"),
        ELSE_BODY("else"),
        LOOP_CONDITION("while/until"),
        LOOP_BODY("do"),
        BRACE_GROUP("{"),
        SUBSHELL("(");

        private final String opener;

        Block(String opener) {
            this.opener = opener;
        }
    }

    /** Where the next word falls within the current command. */
    private enum Position {
        /** Reserved words are recognised; assignments may precede the command word. */
        COMMAND_START,
        /** After the command word: every word is an argument. */
        ARGUMENTS,
        /** After fi, done, } or ): only redirections and operators may follow. */
        AFTER_COMPOUND
    }

    private final List<Token> tokens;
    private final ShellDialect dialect;
    private final List<SimpleCommand> commands = new ArrayList<>();
    private final Deque<Block> openBlocks = new ArrayDeque<>();
    private final List<Word> words = new ArrayList<>();
    private final List<String> redirections = new ArrayList<>();
    private int next;
    private Position position = Position.COMMAND_START;
    /** Whether the current list element has a command, so that ; & && || | may follow. */
    private boolean hasCommand;
    /** Whether an operator (&&, ||, |) still waits for the command on its right. */
    private boolean needsCommand;
    /** Whether the current command is on the right of a pipe, not at the start of a pipeline. */
    private boolean afterPipe;
    /** An "&>target" in the current command where the shell may read it as "&" then ">target". */
    private String ampersandRedirection;

    private ScriptParser(List<Token> tokens, ShellDialect dialect) {
        this.tokens = tokens;
        this.dialect = dialect;
    }

    /** @throws OpaqueScriptException on constructs not followed or a syntax error */
    static List<SimpleCommand> parse(List<Token> tokens, ShellDialect dialect) {
        ScriptParser parser = new ScriptParser(tokens, dialect);
        parser.parseAll();
        return List.copyOf(parser.commands);
    }

    private void parseAll() {
        while (next < tokens.size()) {
            switch (tokens.get(next++)) {
                case Word word -> onWord(word);
                case Redirection redirection -> onRedirection(redirection);
                case Operator operator -> onOperator(operator.symbol());
            }
        }
        endCommand();
        if (needsCommand) {
            throw syntaxError("the script ends where a command is expected");
        }
        if (!openBlocks.isEmpty()) {
            throw syntaxError("unterminated '" + openBlocks.peek().opener + "'");
        }
    }

    private void onWord(Word word) {
        if (ampersandRedirection != null) {
            // bash: "a &>f b" runs a with argument b; dash: "a &" then ">f b" runs b.
            throw new OpaqueScriptException(ampersandRedirection + " followed by " + word.raw()
                    + ": a redirection in bash, but background and a new command in this shell");
        }
        switch (position) {
            case AFTER_COMPOUND -> throw syntaxError("unexpected word '" + word.raw() + "' after a compound command");
            case ARGUMENTS -> words.add(word);
            case COMMAND_START -> onCommandStartWord(word);
        }
    }

    private void onCommandStartWord(Word word) {
        // Only an unquoted word is reserved, so the raw text is what counts.
        String raw = word.raw();
        ReservedWord reserved = ReservedWord.BY_SPELLING.get(raw);
        if (reserved == ReservedWord.TIME && (!dialect.timeIsReserved || afterPipe)) {
            // dash, and bash after a pipe, run the program time, which then runs the rest.
            reserved = null;
        }
        String unsupported = UNSUPPORTED_RESERVED_WORDS.get(raw);
        if (reserved != null || unsupported != null) {
            if (!words.isEmpty() || !redirections.isEmpty()) {
                // Shells disagree on whether such a word is still reserved here; bash and dash reject it.
                throw syntaxError("reserved word '" + raw + "' after an assignment or redirection");
            }
            if (unsupported != null) {
                throw new OpaqueScriptException(unsupported + " (not analysed)");
            }
            onReservedWord(reserved);
            return;
        }
        words.add(word);
        markCommand();
        if (!word.isAssignment()) {
            position = Position.ARGUMENTS;
        }
    }

    private void onReservedWord(ReservedWord word) {
        switch (word) {
            case NEGATION -> {
                // Negation only changes the exit status.
            }
            case TIME -> skipTimeOption();
            case IF -> open(Block.IF_CONDITION);
            case WHILE, UNTIL -> open(Block.LOOP_CONDITION);
            case OPEN_BRACE -> open(Block.BRACE_GROUP);
            case THEN -> replace(word.spelling, Block.IF_CONDITION, Block.IF_BODY);
            case ELIF -> replace(word.spelling, Block.IF_BODY, Block.IF_CONDITION);
            case ELSE -> replace(word.spelling, Block.IF_BODY, Block.ELSE_BODY);
            case DO -> replace(word.spelling, Block.LOOP_CONDITION, Block.LOOP_BODY);
            case FI -> close(word.spelling, Block.IF_BODY, Block.ELSE_BODY);
            case DONE -> close(word.spelling, Block.LOOP_BODY);
            case CLOSE_BRACE -> close(word.spelling, Block.BRACE_GROUP);
        }
    }

    /** The time keyword (bash, ksh, zsh) times the pipeline that follows; -p picks the output format. */
    private void skipTimeOption() {
        if (next < tokens.size() && tokens.get(next) instanceof Word option && option.raw().equals("-p")) {
            next++;
        }
    }

    private void onRedirection(Redirection redirection) {
        if (next >= tokens.size() || !(tokens.get(next) instanceof Word target)) {
            throw syntaxError("redirection " + redirection.operator() + " without a target");
        }
        if (!dialect.multiDigitDescriptors && MULTI_DIGIT_DESCRIPTOR.matcher(redirection.operator()).lookingAt()) {
            throw new OpaqueScriptException("descriptor in " + redirection.operator()
                    + " has several digits: a word, not a redirection, in this shell");
        }
        next++;
        if (redirection.operator().startsWith("&>") && !dialect.ampersandRedirects) {
            ampersandRedirection = redirection.operator() + target.raw();
        }
        // The target is data (a file name or descriptor), even when it contains an expansion.
        redirections.add(redirection.operator() + target.raw());
        markCommand();
    }

    private void onOperator(String symbol) {
        ampersandRedirection = null;
        switch (symbol) {
            case "\n" -> {
                endCommand();
                startCommand();
            }
            case ";", "&" -> {
                requireCommandBefore(symbol);
                endCommand();
                startCommand();
            }
            case "&&", "||", "|", "|&" -> {
                requireCommandBefore(symbol);
                endCommand();
                startCommand();
                needsCommand = true;
                afterPipe = symbol.startsWith("|") && !symbol.equals("||");
            }
            case "(" -> openSubshell();
            case ")" -> {
                endCommand();
                close(symbol, Block.SUBSHELL);
            }
            case "((" -> throw new OpaqueScriptException("arithmetic command ((...))");
            default -> throw syntaxError("'" + symbol + "' outside a case statement");
        }
    }

    private void openSubshell() {
        if (position == Position.ARGUMENTS && words.size() == 1
                && next < tokens.size() && tokens.get(next) instanceof Operator(String symbol) && symbol.equals(")")) {
            throw new OpaqueScriptException("function definition " + words.getFirst().raw() + "()");
        }
        if (position == Position.COMMAND_START && !words.isEmpty() && words.getLast().raw().endsWith("=")) {
            throw new OpaqueScriptException("array assignment " + words.getLast().raw() + "(...)");
        }
        if (position != Position.COMMAND_START || !words.isEmpty() || !redirections.isEmpty()) {
            throw syntaxError("unexpected '('");
        }
        open(Block.SUBSHELL);
    }

    private void open(Block block) {
        openBlocks.push(block);
        startCommand();
        afterPipe = false; // a pipeline starts again inside the block
    }

    private void replace(String word, Block expected, Block replacement) {
        requireInnermost(word, expected);
        openBlocks.pop();
        open(replacement);
    }

    private void close(String word, Block... closable) {
        requireInnermost(word, closable);
        openBlocks.pop();
        position = Position.AFTER_COMPOUND;
        hasCommand = true;
    }

    private void requireInnermost(String word, Block... allowed) {
        if (needsCommand) {
            throw syntaxError("'" + word + "' where a command is expected");
        }
        if (!Arrays.asList(allowed).contains(openBlocks.peek())) {
            throw syntaxError("unexpected '" + word + "'");
        }
    }

    private void requireCommandBefore(String symbol) {
        if (!hasCommand) {
            throw syntaxError("unexpected '" + symbol + "'");
        }
    }

    private void markCommand() {
        hasCommand = true;
        needsCommand = false;
        afterPipe = false;
    }

    private void startCommand() {
        position = Position.COMMAND_START;
        hasCommand = false;
    }

    private void endCommand() {
        if (!words.isEmpty() || !redirections.isEmpty()) {
            commands.add(new SimpleCommand(words, redirections));
            words.clear();
            redirections.clear();
        }
    }

    private static OpaqueScriptException syntaxError(String detail) {
        return new OpaqueScriptException("syntax error: " + detail);
    }
}
