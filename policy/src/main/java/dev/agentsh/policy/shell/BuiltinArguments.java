package dev.agentsh.policy.shell;

import dev.agentsh.policy.shell.Token.Word;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks the arguments of builtins that run no program themselves but can be made to run code.
 *
 * <p>bash evaluates array subscripts arithmetically, and arithmetic on {@code a[$(cmd)]} runs cmd.
 * Every builtin that takes a variable name ({@code read}, {@code printf -v}, {@code test -v},
 * {@code declare}, {@code unset}, ...) therefore runs code when the name carries such a subscript,
 * even one hidden in a variable's value. Other builtins install code to run later ({@code trap},
 * {@code alias}) or change what a command name means ({@code hash -p}, {@code enable}). A dynamic
 * word where such a builtin reads options could smuggle in any of these, so it is rejected too.
 */
final class BuiltinArguments {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** Dynamic words made only of parameters the shell sets itself ($! $$ $? $# $-) hold no option. */
    private static final Pattern SHELL_SET_PARAMETERS = Pattern.compile("(?:\\$[!$?#-])+");

    private static final Set<String> TEST_BINARY_OPERATORS = Set.of(
            "=", "==", "!=", "<", ">", "=~",
            "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-nt", "-ot", "-ef");

    /** In test, -a and -o also join expressions, so they do not tie an operand to an operator. */
    private static final Set<String> TEST_CONNECTIVES = Set.of("-a", "-o");

    private static final Set<String> DECLARATION_BUILTINS = Set.of("declare", "typeset", "local", "readonly", "export");

    private BuiltinArguments() {}

    /** @throws OpaqueScriptException if the arguments could make the builtin run code */
    static void check(String builtin, List<Word> args) {
        switch (builtin) {
            case "trap" -> checkTrap(args);
            case "alias" -> checkAlias(args);
            case "hash" -> rejectOption(builtin, options(builtin, args, ""), 'p', "binds a name to any file");
            case "enable" -> checkEnable(args);
            case "jobs" -> rejectOption(builtin, options(builtin, args, ""), 'x', "runs a command");
            case "wait" -> checkNameArgument(builtin, options(builtin, args, "p"), 'p');
            case "printf" -> checkNameArgument(builtin, options(builtin, args, "v"), 'v');
            case "read" -> checkRead(args);
            case "getopts" -> checkGetopts(args);
            case "unset" -> checkUnset(args);
            case "test" -> checkTest(args);
            case "[" -> checkTest(withoutClosingBracket(args));
            default -> {
                if (DECLARATION_BUILTINS.contains(builtin)) {
                    checkDeclaration(builtin, args);
                }
            }
        }
    }

    private static List<Word> withoutLeadingDoubleDash(List<Word> args) {
        boolean dashes = !args.isEmpty() && args.getFirst().isLiteral() && args.getFirst().text().equals("--");
        return dashes ? args.subList(1, args.size()) : args;
    }

    private static List<Word> withoutClosingBracket(List<Word> args) {
        boolean closed = !args.isEmpty() && args.getLast().isLiteral() && args.getLast().text().equals("]");
        return closed ? args.subList(0, args.size() - 1) : args;
    }

    /**
     * Whether the word might, once expanded, start with '-' or '+' and so be read as an option. A
     * word that starts with a literal character keeps it at the front of its first field (field
     * splitting only splits what expansions produce), so it cannot.
     */
    private static boolean mayBeOption(Word word) {
        String text = word.text();
        if (word.isLiteral()) {
            return text.length() > 1 && (text.charAt(0) == '-' || text.charAt(0) == '+');
        }
        if (SHELL_SET_PARAMETERS.matcher(text).matches()) {
            return false;
        }
        return text.isEmpty() || "-+$*?[{~".indexOf(text.charAt(0)) >= 0;
    }

    /**
     * Options as a getopt-style builtin reads them: clusters up to the first operand or "--".
     *
     * @param lettersWithArgument option letters that take an argument (attached or the next word)
     */
    private static Options options(String builtin, List<Word> args, String lettersWithArgument) {
        StringBuilder letters = new StringBuilder();
        Map<Character, Word> arguments = new HashMap<>();
        int i = 0;
        while (i < args.size()) {
            Word word = args.get(i);
            if (!mayBeOption(word)) {
                break;
            }
            if (!word.isLiteral()) {
                throw new OpaqueScriptException(
                        builtin + ": dynamic argument " + word.raw() + " where options are read");
            }
            String text = word.text();
            i++;
            if (text.equals("--")) {
                break;
            }
            for (int j = 1; j < text.length(); j++) {
                char letter = text.charAt(j);
                letters.append(letter);
                if (lettersWithArgument.indexOf(letter) >= 0) {
                    if (j + 1 < text.length()) {
                        String attached = text.substring(j + 1);
                        arguments.put(letter, new Word(attached, attached, null, false));
                    } else if (i < args.size()) {
                        arguments.put(letter, args.get(i++));
                    }
                    break;
                }
            }
        }
        return new Options(letters.toString(), arguments, args.subList(i, args.size()));
    }

    private record Options(String letters, Map<Character, Word> arguments, List<Word> operands) {
        boolean has(char letter) {
            return letters.indexOf(letter) >= 0;
        }
    }

    private static void rejectOption(String builtin, Options options, char letter, String effect) {
        if (options.has(letter)) {
            throw new OpaqueScriptException(builtin + " -" + letter + " " + effect);
        }
    }

    private static void checkNameArgument(String builtin, Options options, char letter) {
        Word name = options.arguments().get(letter);
        if (name != null) {
            checkVariableName(builtin, name, true);
        }
    }

    /** A variable name must be a literal identifier: no subscript, nothing from a variable. */
    private static void checkVariableName(String builtin, Word name, boolean assigns) {
        if (!name.isLiteral() || !IDENTIFIER.matcher(name.text()).matches()) {
            throw new OpaqueScriptException(builtin + ": variable name " + name.raw()
                    + " is not a plain identifier (a subscript is evaluated and can run commands)");
        }
        if (assigns && SensitiveVariables.isSensitive(name.text())) {
            throw new OpaqueScriptException(builtin + " assigns " + name.text() + ", which changes what programs run");
        }
    }

    /** trap's action is shell code run later; only listing, resetting and ignoring signals are inert. */
    private static void checkTrap(List<Word> args) {
        for (Word arg : args) {
            if (!arg.isLiteral()) {
                throw new OpaqueScriptException("trap with a dynamic argument " + arg.raw());
            }
        }
        List<Word> operands = withoutLeadingDoubleDash(args);
        if (operands.size() < 2 || operands.getFirst().text().matches("-[lp]+")) {
            return;
        }
        String action = operands.getFirst().text();
        if (!action.isEmpty() && !action.equals("-") && !action.matches("[0-9]+")) {
            throw new OpaqueScriptException("trap installs shell code to run later: " + operands.getFirst().raw());
        }
    }

    private static void checkAlias(List<Word> args) {
        for (Word arg : args) {
            if (!arg.isLiteral() || arg.text().contains("=")) {
                throw new OpaqueScriptException("alias definition " + arg.raw() + " changes what a command name runs");
            }
        }
    }

    /** enable -f loads a shared object and enable -n makes a builtin name run a program instead. */
    private static void checkEnable(List<Word> args) {
        for (Word arg : args) {
            if (!arg.isLiteral() || !arg.text().matches("-[aps]+")) {
                throw new OpaqueScriptException("enable " + arg.raw() + " changes or loads builtins");
            }
        }
    }

    private static void checkRead(List<Word> args) {
        Options options = options("read", args, "adinNptu");
        checkNameArgument("read", options, 'a');
        for (Word name : options.operands()) {
            checkVariableName("read", name, true);
        }
    }

    /** getopts OPTSTRING NAME [ARG...]: a dynamic option string could shift which word is the name. */
    private static void checkGetopts(List<Word> args) {
        List<Word> operands = withoutLeadingDoubleDash(args);
        if (operands.size() < 2) {
            return;
        }
        if (!operands.getFirst().isLiteral()) {
            throw new OpaqueScriptException("getopts with a dynamic option string " + operands.getFirst().raw());
        }
        checkVariableName("getopts", operands.get(1), true);
    }

    private static void checkUnset(List<Word> args) {
        Options options = options("unset", args, "");
        if (options.has('f')) {
            return; // function names are never evaluated
        }
        for (Word name : options.operands()) {
            checkVariableName("unset", name, false);
        }
    }

    /**
     * declare, typeset, local, readonly and export: -i makes later assignments arithmetic and -n
     * makes a name refer to another variable, so both are rejected; each NAME or NAME=value must
     * name a plain, non-sensitive variable.
     */
    private static void checkDeclaration(String builtin, List<Word> args) {
        Options options = options(builtin, args, "");
        if (!builtin.equals("export") && (options.has('i') || options.has('n'))) {
            throw new OpaqueScriptException(builtin + " -i/-n makes later assignments evaluate or redirect");
        }
        if (options.has('f') || options.has('F')) {
            return; // function names are never evaluated
        }
        for (Word operand : options.operands()) {
            String text = operand.text();
            int equals = text.indexOf('=');
            String name = equals < 0 ? text : text.substring(0, equals);
            if (name.endsWith("+")) {
                name = name.substring(0, name.length() - 1);
            }
            // An identifier cannot contain an expansion, so this also proves the name is literal.
            if (!IDENTIFIER.matcher(name).matches()) {
                throw new OpaqueScriptException(builtin + ": " + operand.raw()
                        + " does not start with a plain variable name (a subscript is evaluated and can run commands)");
            }
            if (equals >= 0 && SensitiveVariables.isSensitive(name)) {
                throw new OpaqueScriptException(builtin + " assigns " + name + ", which changes what programs run");
            }
        }
    }

    /**
     * test and [ with a dynamic operand: bash's test -v (and -R) evaluates the subscript of a
     * variable name, so a value "-v" landing where test reads an operator runs code. An operand is
     * safe when a literal operator next to it fixes its role; an unquoted expansion is never safe
     * because it may become several operands.
     */
    private static void checkTest(List<Word> operands) {
        for (int i = 0; i < operands.size(); i++) {
            Word operand = operands.get(i);
            if (operand.unquotedExpansion()) {
                throw new OpaqueScriptException(
                        "test: unquoted expansion " + operand.raw() + " could become an operator");
            }
            String text = operand.text();
            if (operand.isLiteral() && (text.equals("-v") || text.equals("-R")) && i + 1 < operands.size()) {
                checkVariableName("test " + text, operands.get(i + 1), false);
            }
            if (!operand.isLiteral() && operands.size() > 1 && !isTiedToOperator(operands, i)) {
                throw new OpaqueScriptException(
                        "test: dynamic operand " + operand.raw() + " could be read as an operator");
            }
        }
    }

    private static boolean isTiedToOperator(List<Word> operands, int index) {
        if (index > 0) {
            Word previous = operands.get(index - 1);
            String text = previous.text();
            boolean unaryOperator = text.matches("-[A-Za-z]") && !TEST_CONNECTIVES.contains(text);
            if (previous.isLiteral() && (unaryOperator || TEST_BINARY_OPERATORS.contains(text))) {
                return true;
            }
        }
        if (index + 1 < operands.size()) {
            Word following = operands.get(index + 1);
            return following.isLiteral() && TEST_BINARY_OPERATORS.contains(following.text());
        }
        return false;
    }
}
