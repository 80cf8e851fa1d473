package dev.agentsh.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.agentsh.policy.shell.ShellAnalysis.Bypass;
import dev.agentsh.policy.shell.ShellAnalysis.NoScript;
import dev.agentsh.policy.shell.ShellAnalysis.Opaque;
import dev.agentsh.policy.shell.ShellAnalysis.Script;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShellCommandAnalyzerTest {

    private static ShellAnalysis analyze(String... argv) {
        return ShellCommandAnalyzer.analyze(Arrays.asList(argv));
    }

    private static List<List<String>> commands(String... argv) {
        ShellAnalysis analysis = analyze(argv);
        assertThat(analysis).as("analysis of %s", List.of(argv)).isInstanceOf(Script.class);
        return ((Script) analysis).commands();
    }

    /** Commands of {@code sh -c script}. */
    private static List<List<String>> run(String script) {
        return commands("sh", "-c", script);
    }

    /** Commands of {@code bash -c script}, for bash-only syntax. */
    private static List<List<String>> bash(String script) {
        return commands("bash", "-c", script);
    }

    private static String opaqueWhy(String script) {
        return opaqueWhy("sh", script);
    }

    private static String opaqueWhy(String shell, String script) {
        ShellAnalysis analysis = analyze(shell, "-c", script);
        assertThat(analysis).as("analysis of %s -c %s", shell, script).isInstanceOf(Opaque.class);
        return ((Opaque) analysis).why();
    }

    private static String bypassWhy(String... argv) {
        ShellAnalysis analysis = analyze(argv);
        assertThat(analysis).as("analysis of %s", List.of(argv)).isInstanceOf(Bypass.class);
        return ((Bypass) analysis).why();
    }

    private static String noScriptWhy(String... argv) {
        ShellAnalysis analysis = analyze(argv);
        assertThat(analysis).as("analysis of %s", List.of(argv)).isInstanceOf(NoScript.class);
        return ((NoScript) analysis).why();
    }

    @Nested
    class IsShell {

        @ParameterizedTest
        @ValueSource(strings = {
            "sh", "bash", "dash", "ash", "mksh", "ksh", "zsh", "BASH", "-bash", "bash.real", "-Zsh.REAL", "/bin/sh"})
        void recognisesShells(String name) {
            assertThat(ShellCommandAnalyzer.isShell(name)).isTrue();
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "python", "shutdown", "bashful", "fish", "sh.bak", "--bash", "real"})
        void rejectsOtherPrograms(String name) {
            assertThat(ShellCommandAnalyzer.isShell(name)).isFalse();
        }

        @Test
        void rejectsNull() {
            assertThat(ShellCommandAnalyzer.isShell(null)).isFalse();
        }
    }

    @Nested
    class ShellOptions {

        @Test
        void plainDashC() {
            assertThat(commands("/bin/sh", "-c", "shutdown now")).containsExactly(List.of("shutdown", "now"));
        }

        @Test
        void clusters() {
            assertThat(commands("bash", "-lc", "shutdown")).containsExactly(List.of("shutdown"));
            assertThat(commands("bash", "-ilxc", "shutdown")).containsExactly(List.of("shutdown"));
            assertThat(commands("/bin/sh", "-pc", "shutdown")).containsExactly(List.of("shutdown"));
        }

        @Test
        void shellNameIgnoresCaseAndDirectory() {
            assertThat(commands("/BIN/SH", "-c", "x")).containsExactly(List.of("x"));
            assertThat(commands("-bash", "-c", "x")).containsExactly(List.of("x"));
        }

        @Test
        void optionsWithArguments() {
            assertThat(commands("bash", "-o", "errexit", "-c", "shutdown")).containsExactly(List.of("shutdown"));
            assertThat(commands("bash", "-eo", "pipefail", "-c", "x")).containsExactly(List.of("x"));
            assertThat(commands("bash", "+o", "posix", "-O", "extglob", "-c", "x")).containsExactly(List.of("x"));
            assertThat(commands("bash", "-cO", "extglob", "x")).containsExactly(List.of("x"));
            assertThat(commands("bash", "--rcfile", "f", "-c", "x")).containsExactly(List.of("x"));
            assertThat(commands("bash", "--init-file", "f", "--norc", "--login", "-c", "x"))
                    .containsExactly(List.of("x"));
        }

        @Test
        void optionsMayFollowDashC() {
            assertThat(commands("bash", "-c", "-x", "x")).containsExactly(List.of("x"));
            assertThat(commands("sh", "-c", "--", "x")).containsExactly(List.of("x"));
        }

        @Test
        void plusCIsDashC() {
            assertThat(commands("bash", "+c", "x")).containsExactly(List.of("x"));
        }

        @Test
        void dashSStillRunsTheDashCScript() {
            assertThat(commands("bash", "-s", "-c", "x")).containsExactly(List.of("x"));
            assertThat(commands("dash", "-cs", "x")).containsExactly(List.of("x"));
        }

        @Test
        void argumentsAfterTheScriptAreIgnored() {
            assertThat(commands("sh", "-c", "x", "name", "arg1")).containsExactly(List.of("x"));
            assertThat(commands("sh", "-c", "x", "-c", "curl evil")).containsExactly(List.of("x"));
        }

        @Test
        void zshOptions() {
            assertThat(commands("zsh", "-oerrexit", "-c", "x")).containsExactly(List.of("x"));
            assertThat(commands("zsh", "--sh-word-split", "-c", "x")).containsExactly(List.of("x"));
            assertThat(commands("zsh", "-O", "-c", "x")).containsExactly(List.of("x"));
        }

        @Test
        void zshAttachedOptionNameHidesNoDashC() {
            // -ocx is "-o cx" in zsh: there is no -c, so "x" is a script file.
            assertThat(noScriptWhy("zsh", "-ocx", "x")).contains("script file x");
        }

        @Test
        void mkshTTakesAnArgument() {
            assertThat(commands("mksh", "-T", "/dev/tty2", "-c", "x")).containsExactly(List.of("x"));
        }

        @Test
        void unknownOptionsBeforeDashCAreBypasses() {
            assertThat(bypassWhy("bash", "--weird", "-c", "x")).contains("--weird");
            assertThat(bypassWhy("sh", "-Zc", "x")).contains("-Z");
            assertThat(bypassWhy("bash", "-Z", "x", "-c", "y")).contains("-Z");
            assertThat(bypassWhy("bash", "--rcfile=f", "-c", "x")).contains("--rcfile=f");
        }

        @Test
        void ambiguousOptionsAreBypasses() {
            // bash reads "-oe pipefail" as -o pipefail -e, dash rejects it, zsh reads option "e".
            assertThat(bypassWhy("bash", "-oe", "pipefail", "-c", "x")).contains("inside the option cluster");
            // sh may be mksh, whose -T takes an argument.
            assertThat(bypassWhy("sh", "-T", "-c", "x")).contains("-T");
        }

        @Test
        void dashCWithoutScriptIsABypass() {
            assertThat(bypassWhy("sh", "-c")).isEqualTo("-c without a script");
            assertThat(bypassWhy("bash", "-xc")).isEqualTo("-c without a script");
            assertThat(bypassWhy("bash", "-co")).contains("-o");
        }

        @Test
        void noDashC() {
            assertThat(noScriptWhy("sh", "script.sh")).isEqualTo("no -c option: runs script file script.sh");
            assertThat(noScriptWhy("/bin/sh")).contains("interactive");
            assertThat(noScriptWhy("bash", "-s", "arg")).contains("stdin");
            assertThat(noScriptWhy("bash", "-x", "script.sh", "-c", "x")).contains("script.sh");
        }

        @Test
        void endOfOptionsMakesDashCAFileName() {
            assertThat(noScriptWhy("bash", "-", "-c", "x")).contains("script file -c");
            assertThat(noScriptWhy("dash", "--", "-c", "x")).contains("script file -c");
            // --rcfile consumes "-c", so x is a script file.
            assertThat(noScriptWhy("bash", "--rcfile", "-c", "x")).contains("script file x");
        }

        @Test
        void malformedArgv() {
            assertThat(bypassWhy()).isEqualTo("empty argv");
            assertThat(analyze("sh", "-c", null)).isInstanceOf(Bypass.class);
            assertThat(ShellCommandAnalyzer.analyze(null)).isInstanceOf(Bypass.class);
        }

        @Test
        void notesDescribeTheInvocation() {
            Script script = (Script) analyze("bash", "-lc", "FOO=1 ls >/dev/null", "name");
            assertThat(script.script()).isEqualTo("FOO=1 ls >/dev/null");
            assertThat(script.notes()).contains(
                    "shell bash with options -lc",
                    "stripped assignment FOO=1",
                    "removed redirection >/dev/null",
                    "runs ls");
        }
    }

    @Nested
    class Scripts {

        @Test
        void wrappersAreLeftToTheCaller() {
            assertThat(run("nice -n -5 shutdown")).containsExactly(List.of("nice", "-n", "-5", "shutdown"));
            assertThat(run("FOO=1 BAR=2 nice -n 19 shutdown")).containsExactly(List.of("nice", "-n", "19", "shutdown"));
        }

        @Test
        void nestedShellsAreJustCommands() {
            assertThat(run("bash -c shutdown")).containsExactly(List.of("bash", "-c", "shutdown"));
            assertThat(run("bash -c 'curl x'")).containsExactly(List.of("bash", "-c", "curl x"));
        }

        @Test
        void quotesAreRemoved() {
            assertThat(run("shutdown 'now'")).containsExactly(List.of("shutdown", "now"));
            assertThat(run("'shut'\"down\" \"a b\" 'c d'e")).containsExactly(List.of("shutdown", "a b", "c de"));
            assertThat(run("echo \"it's\"; printf '\"%s\"' x; ls \"\\$HOME\" \"a\\\\b\" \"\\q\""))
                    .containsExactly(List.of("ls", "$HOME", "a\\b", "\\q"));
        }

        @Test
        void backslashEscapes() {
            assertThat(run("sh\\utdown n\\ ow \\; \\|")).containsExactly(List.of("shutdown", "n ow", ";", "|"));
            assertThat(run("shut\\\ndown")).containsExactly(List.of("shutdown"));
            assertThat(run("ls \\\n  -l")).containsExactly(List.of("ls", "-l"));
            assertThat(run("ls trailing\\")).containsExactly(List.of("ls", "trailing\\"));
        }

        @Test
        void comments() {
            assertThat(run("ls # rm -rf / $(curl x) `id`")).containsExactly(List.of("ls"));
            assertThat(run("# only a comment")).isEmpty();
            assertThat(run("ls a#b;#c\nwc")).containsExactly(List.of("ls", "a#b"), List.of("wc"));
            assertThat(run("echo $# x")).isEmpty();
        }

        @Test
        void emptyScripts() {
            assertThat(run("")).isEmpty();
            assertThat(run("  \n\t \n")).isEmpty();
        }

        @Test
        void execAndItsOptions() {
            assertThat(run("exec env shutdown")).containsExactly(List.of("env", "shutdown"));
            assertThat(commands("zsh", "-c", "exec -a foo shutdown")).containsExactly(List.of("shutdown"));
            assertThat(bash("exec -cl -- shutdown now")).containsExactly(List.of("shutdown", "now"));
            assertThat(bash("exec -afoo shutdown")).containsExactly(List.of("shutdown"));
            assertThat(bash("exec -- shutdown")).containsExactly(List.of("shutdown"));
            assertThat(run("exec >/dev/null 2>&1")).isEmpty();
            assertThat(run("exec")).isEmpty();
        }

        @Test
        void execOptionsAreProgramNamesInDash() {
            assertThat(opaqueWhy("exec -a foo shutdown")).contains("a program name in dash");
            assertThat(opaqueWhy("exec -- shutdown")).contains("a program name in dash");
        }

        @Test
        void execBypassesBuiltins() {
            // bash and dash exec a program called "command" here, not the builtin.
            assertThat(bash("exec command wc")).containsExactly(List.of("command", "wc"));
            assertThat(opaqueWhy("zsh", "exec command wc")).contains("precommand modifier");
        }

        @Test
        void execRunsAProgramEvenWhenABuiltinHasTheName() {
            assertThat(run("exec echo hi")).containsExactly(List.of("echo", "hi"));
        }

        @Test
        void pipelinesAndLists() {
            assertThat(run("ls | wc -l")).containsExactly(List.of("ls"), List.of("wc", "-l"));
            assertThat(run("shutdown; true")).containsExactly(List.of("shutdown"));
            assertThat(run("a && b || c & d |& e\nf")).containsExactly(
                    List.of("a"), List.of("b"), List.of("c"), List.of("d"), List.of("e"), List.of("f"));
            assertThat(run("a&&b||c;d|e&")).hasSize(5);
            assertThat(run("ls &&\n wc")).containsExactly(List.of("ls"), List.of("wc"));
        }

        @Test
        void argumentsKeepExpansionsAsWritten() {
            assertThat(run("ls *.go")).containsExactly(List.of("ls", "*.go"));
            assertThat(run("cp ~/a \"$HOME\"/b ${X:-y} {a,b} $1 \"$@\"")).containsExactly(
                    List.of("cp", "~/a", "$HOME/b", "${X:-y}", "{a,b}", "$1", "$@"));
        }

        @Test
        void builtinsAreOmitted() {
            assertThat(run("echo \"$VAR\"")).isEmpty();
            assertThat(run("echo hi")).isEmpty();
            assertThat(run("cd /tmp && pwd; export FOO=1; set -e; : ; true; false; exit 0")).isEmpty();
            assertThat(run("cd /tmp && make")).containsExactly(List.of("make"));
        }

        @Test
        void subshellsAndGroups() {
            assertThat(run("(shutdown)")).containsExactly(List.of("shutdown"));
            assertThat(run("( a; (b) ) && { c; d & } > f")).containsExactly(
                    List.of("a"), List.of("b"), List.of("c"), List.of("d"));
        }

        @Test
        void commandBuiltin() {
            assertThat(run("command -v shutdown")).isEmpty();
            assertThat(run("command -pV shutdown")).isEmpty();
            assertThat(run("command shutdown")).containsExactly(List.of("shutdown"));
            assertThat(run("command -p -- shutdown now")).containsExactly(List.of("shutdown", "now"));
            assertThat(run("command echo hi")).isEmpty();
            assertThat(run("command exec curl x")).containsExactly(List.of("curl", "x"));
            assertThat(run("type ls; hash -r")).isEmpty();
        }

        @Test
        void builtinBuiltin() {
            assertThat(bash("builtin echo hi")).isEmpty();
            assertThat(bash("builtin exec curl x")).containsExactly(List.of("curl", "x"));
            assertThat(opaqueWhy("bash", "builtin curl x")).contains("builtin curl");
            assertThat(commands("zsh", "-c", "builtin echo hi")).isEmpty();
            assertThat(opaqueWhy("zsh", "builtin shopt -s x")).contains("builtin shopt");
        }

        @Test
        void builtinIsAProgramInDash() {
            assertThat(opaqueWhy("builtin echo hi")).contains("program");
        }

        @Test
        void zshPrecommandModifiers() {
            assertThat(commands("zsh", "-c", "noglob curl x*")).containsExactly(List.of("curl", "x*"));
            assertThat(bash("noglob curl x")).containsExactly(List.of("noglob", "curl", "x"));
        }

        @Test
        void controlStructuresSeparateCommands() {
            assertThat(run("if curl x; then wget y; fi")).containsExactly(List.of("curl", "x"), List.of("wget", "y"));
            assertThat(run("if a; then b; elif c; then d; else e; fi")).hasSize(5);
            assertThat(run("while a; do b; done; until c\ndo\nd\ndone")).hasSize(4);
            assertThat(run("! a | b")).containsExactly(List.of("a"), List.of("b"));
            assertThat(run("ls | while read -r l; do rm \"$l\"; done")).containsExactly(
                    List.of("ls"), List.of("rm", "$l"));
            assertThat(run("if true; then echo 'fi'; fi >/dev/null")).isEmpty();
        }

        @Test
        void reservedWordsOnlyCountInCommandPosition() {
            assertThat(run("echo if then fi; ls done")).containsExactly(List.of("ls", "done"));
            assertThat(run("'if' x")).containsExactly(List.of("if", "x"));
        }

        @Test
        void timeIsStripped() {
            assertThat(bash("time curl x")).containsExactly(List.of("curl", "x"));
            assertThat(bash("time -p curl x | wc")).containsExactly(List.of("curl", "x"), List.of("wc"));
            assertThat(commands("ksh", "-c", "! time curl x")).containsExactly(List.of("curl", "x"));
        }

        @Test
        void timeAfterAPipeIsAProgramInBash() {
            assertThat(bash("ls | time wc")).containsExactly(List.of("ls"), List.of("time", "wc"));
            assertThat(bash("ls |\n time wc")).containsExactly(List.of("ls"), List.of("time", "wc"));
            assertThat(bash("ls | { time wc; }")).containsExactly(List.of("ls"), List.of("wc"));
        }

        @Test
        void timeIsAProgramInDash() {
            assertThat(run("time -p curl x")).containsExactly(List.of("time", "-p", "curl", "x"));
        }

        @Test
        void redirectionsAreRemoved() {
            assertThat(run("echo hi > /tmp/x 2>&1")).isEmpty();
            assertThat(run("curl x >/dev/null 2>&1 &")).containsExactly(List.of("curl", "x"));
            assertThat(bash("<in >>out 2>err 10<&0 3<>rw >|clob &>all &>>both cat -n >&2"))
                    .containsExactly(List.of("cat", "-n"));
            assertThat(commands("ksh", "-c", "cat 10<&0")).containsExactly(List.of("cat"));
            assertThat(run("curl x &>/dev/null; ls &>>log")).containsExactly(List.of("curl", "x"), List.of("ls"));
            assertThat(run("cat <<< \"$data\" > \"$HOME/out\"")).containsExactly(List.of("cat"));
            assertThat(run("ls 2>/dev/null")).containsExactly(List.of("ls"));
            assertThat(run("ls a2>x")).containsExactly(List.of("ls", "a2"));
            assertThat(run(">/tmp/x")).isEmpty();
        }

        @Test
        void ampersandRedirectionMeansBackgroundInDash() {
            // dash reads "a &>f b" as "a &" then ">f b", which runs b.
            assertThat(opaqueWhy("a &>f b")).contains("&>");
            assertThat(opaqueWhy("ksh", "a &>f b")).contains("&>");
            assertThat(opaqueWhy("a &>f >>g b")).contains("&>f followed by b");
            assertThat(bash("a &>f b")).containsExactly(List.of("a", "b"));
        }

        @Test
        void multiDigitDescriptorsAreWordsInDash() {
            assertThat(opaqueWhy("52>&1")).contains("several digits");
            assertThat(opaqueWhy("zsh", "ls 10>x")).contains("several digits");
        }

        @Test
        void assignments() {
            assertThat(run("A='a b' cmd")).containsExactly(List.of("cmd"));
            assertThat(run("A=1 B+=2")).isEmpty();
            assertThat(run("A=\"$HOME\"/x cmd \"$A\"")).containsExactly(List.of("cmd", "$A"));
            assertThat(run("cmd A=1")).containsExactly(List.of("cmd", "A=1"));
        }

        @Test
        void ansiCStringsInArgumentsAreDecoded() {
            assertThat(commands("bash", "-c", "grep $'a\\tb' $'\\x2f' $'\\u00e9\\101\\c@' $'\\q'"))
                    .containsExactly(List.of("grep", "a\tb", "/", "\u00e9A\u0000", "\\q"));
        }

        @Test
        void testBuiltinWithSafeOperands() {
            assertThat(run("[ -f \"$f\" ] && [ \"$a\" = \"$b\" ] && test -n \"$x\" -a -d \"$y\" && [ \"$x\" ]"))
                    .isEmpty();
            assertThat(run("[ $# -gt 0 ] || [ -v NAME ]")).isEmpty();
        }

        @Test
        void declarationsAndReads() {
            assertThat(bash("local a=1 b; declare -r c=\"$x\"; export FOO=$HOME; readonly D")).isEmpty();
            assertThat(bash("read -r -p \"Name [$USER]: \" name; printf -v out '%s' \"$name\"; getopts ab: opt"))
                    .isEmpty();
            assertThat(bash("unset FOO; unset -f my-func; wait $!; trap - EXIT; trap '' INT; alias; enable -a"))
                    .isEmpty();
        }

        @Test
        void bashOnlyBuiltinsAreProgramsInDash() {
            assertThat(run("declare -r x=1; shopt -s extglob; local y=2"))
                    .containsExactly(List.of("declare", "-r", "x=1"), List.of("shopt", "-s", "extglob"));
            // Still checked as a builtin, because sh may be bash.
            assertThat(opaqueWhy("declare \"$x\"")).contains("declare");
        }
    }

    @Nested
    class OpaqueScripts {

        @Test
        void commandSubstitution() {
            assertThat(opaqueWhy("$(curl x)")).isEqualTo("command substitution $(...)");
            assertThat(opaqueWhy("a=$(curl x)")).isEqualTo("command substitution $(...)");
            assertThat(opaqueWhy("`id`")).isEqualTo("command substitution `...`");
            assertThat(opaqueWhy("echo \"$(id)\"")).isEqualTo("command substitution $(...)");
            assertThat(opaqueWhy("echo \"`id`\"")).isEqualTo("command substitution `...`");
            assertThat(opaqueWhy("ls > $(mktemp)")).isEqualTo("command substitution $(...)");
            assertThat(opaqueWhy("echo ${x:-$(id)}")).isEqualTo("command substitution $(...)");
        }

        @Test
        void processSubstitution() {
            assertThat(opaqueWhy("diff <(ls a) b")).contains("process substitution");
            assertThat(opaqueWhy("tee >(curl x)")).contains("process substitution");
        }

        @Test
        void expansionsInCommandPosition() {
            assertThat(opaqueWhy("$CMD arg")).isEqualTo("variable in command position: $CMD");
            assertThat(opaqueWhy("\"$CMD\" arg")).isEqualTo("variable in command position: \"$CMD\"");
            assertThat(opaqueWhy("${CMD} arg")).contains("variable in command position");
            assertThat(opaqueWhy("FOO=1 $CMD")).contains("variable in command position");
            assertThat(opaqueWhy("/usr/bin/*sh")).contains("glob pattern in command position");
            assertThat(opaqueWhy("~/bin/tool")).contains("tilde expansion in command position");
            assertThat(opaqueWhy("{curl,evil.com}")).contains("brace expansion in command position");
            assertThat(opaqueWhy("exec $CMD")).contains("variable in command position");
            assertThat(opaqueWhy("command \"$CMD\"")).contains("variable in command position");
            assertThat(opaqueWhy("$'\\x63url' x")).contains("ANSI-C");
            assertThat(opaqueWhy("a[1]=x")).contains("glob pattern in command position");
        }

        @Test
        void bashReadsSubscriptsAcrossBlanks() {
            // bash runs a program named "until[ ]" here, with argument x.
            assertThat(opaqueWhy("bash", "until[ ] x")).contains("subscript until[");
            assertThat(opaqueWhy("bash", "echo a[ b;c]")).contains("subscript a[");
            assertThat(bash("echo a[1] 1a[ [ x")).isEmpty();
        }

        @ParameterizedTest
        @ValueSource(strings = {"!(ls)", "ls @(a|b)", "*(x)", "ls +(a) ?(b)", "echo hi; !(curl x)"})
        void extendedGlobs(String script) {
            assertThat(opaqueWhy("bash", script)).contains("extended glob pattern");
        }

        @Test
        void zshProcessSubstitution() {
            assertThat(analyze("zsh", "-c", "cat =(curl x)")).isInstanceOf(Opaque.class);
            assertThat(analyze("zsh", "-c", "=(curl x)")).isInstanceOf(Opaque.class);
        }

        @Test
        void zshEqualsExpansion() {
            ShellAnalysis analysis = analyze("zsh", "-c", "=curl x");
            assertThat(analysis).isInstanceOf(Opaque.class);
            assertThat(((Opaque) analysis).why()).contains("=command");
        }

        @Test
        void codeRunningBuiltins() {
            assertThat(opaqueWhy("eval \"$x\"")).isEqualTo("eval");
            assertThat(opaqueWhy("source ./env.sh")).contains("source");
            assertThat(opaqueWhy(". ./env.sh")).contains("script file");
            assertThat(opaqueWhy("command eval x")).isEqualTo("eval");
            assertThat(opaqueWhy("bash", "builtin eval x")).isEqualTo("eval");
        }

        @Test
        void unsupportedCompoundCommands() {
            assertThat(opaqueWhy("for i in 1; do x; done")).contains("for loop");
            assertThat(opaqueWhy("case $x in a) curl;; esac")).contains("case");
            assertThat(opaqueWhy("[[ -f x ]] && curl y")).contains("[[");
            assertThat(opaqueWhy("function f { curl x; }")).contains("function");
            assertThat(opaqueWhy("f() { curl x; }; f")).contains("function definition f()");
            assertThat(opaqueWhy("f () { curl x; }")).contains("function definition");
            assertThat(opaqueWhy("coproc curl x")).contains("coproc");
            assertThat(opaqueWhy("((x++))")).contains("arithmetic command");
            assertThat(opaqueWhy("a=(1 2)")).contains("array assignment");
        }

        @Test
        void hereDocuments() {
            assertThat(opaqueWhy("cat <<EOF\n$(curl x)\nEOF")).isEqualTo("here-document <<");
            assertThat(opaqueWhy("cat <<-'EOF'\nx\nEOF")).isEqualTo("here-document <<");
        }

        @Test
        void malformedScripts() {
            assertThat(opaqueWhy("echo 'unterminated")).isEqualTo("unterminated single quote");
            assertThat(opaqueWhy("echo \"unterminated")).isEqualTo("unterminated double quote");
            assertThat(opaqueWhy("echo ${x")).isEqualTo("unterminated ${...}");
            assertThat(opaqueWhy("echo $'x")).isEqualTo("unterminated $'...'");
            assertThat(opaqueWhy("(ls")).contains("unterminated '('");
            assertThat(opaqueWhy("ls)")).contains("syntax error");
            assertThat(opaqueWhy("{ ls")).contains("unterminated '{'");
            assertThat(opaqueWhy("{ ls }")).contains("unterminated '{'");
            assertThat(opaqueWhy("ls; }")).contains("syntax error");
            assertThat(opaqueWhy("if x; then y")).contains("unterminated 'then'");
            assertThat(opaqueWhy("if x; fi")).contains("unexpected 'fi'");
            assertThat(opaqueWhy("while x; done")).contains("unexpected 'done'");
            assertThat(opaqueWhy("ls &&")).contains("syntax error");
            assertThat(opaqueWhy("&& ls")).contains("syntax error");
            assertThat(opaqueWhy("ls ; ; wc")).contains("syntax error");
            assertThat(opaqueWhy("ls >")).contains("without a target");
            assertThat(opaqueWhy("ls >#x")).contains("without a target");
            assertThat(opaqueWhy("{ ls; } wc")).contains("after a compound command");
            assertThat(opaqueWhy("x=1 if true; then :; fi")).contains("after an assignment");
            assertThat(opaqueWhy("ls ;; wc")).contains("case");
            assertThat(opaqueWhy("ls (x)")).contains("unexpected '('");
        }

        @Test
        void controlCharacters() {
            assertThat(opaqueWhy("ls\r")).contains("U+000D");
            assertThat(opaqueWhy("ls\u0000x")).contains("U+0000");
            assertThat(opaqueWhy("echo \u001b[31m")).contains("control character");
        }
    }

    /** Beyond the basic grammar: ways to run code through data, and to change what a name runs. */
    @Nested
    class Hardening {

        @ParameterizedTest
        @ValueSource(strings = {
            "PATH=/tmp/evil:$PATH ls",
            "LD_PRELOAD=/tmp/x.so ls",
            "BASH_ENV=/tmp/x bash -c true",
            "export PATH=/tmp/evil; ls",
            "declare -x LD_LIBRARY_PATH=/tmp",
            "read PATH",
            "PS4='$(id)'; set -x; :",
        })
        void sensitiveVariables(String script) {
            assertThat(opaqueWhy(script)).contains("changes what programs run");
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "echo $((1+2))",
            "echo $[x]",
            "let y=x",
            "echo ${y:x}",
            "echo ${a[$i]}",
            "echo ${a[i]}",
            "echo ${!x}",
            "echo ${x@P}",
            "echo $x[1]",
            "declare -i n; n=x",
            "declare -n ref=PATH",
            "read \"$x\"",
            "read -a 'a[$(id)]'",
            "printf -v \"$n\" %s 1",
            "printf \"$fmt\" 1",
            "unset \"$x\"",
            "unset 'a[$(id)]'",
            "[ -v \"$x\" ]",
            "[ -v 'a[$(id)]' ]",
            "[ \"$op\" \"$x\" ]",
            "[ $y ]",
            "test -n $x",
            "wait \"$pid\"",
            "getopts ab \"$name\"",
            "export \"$x\"",
            "declare \"$x=1\"",
        })
        void arithmeticAndVariableNames(String script) {
            assertThat(analyze("bash", "-c", script)).as(script).isInstanceOf(Opaque.class);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "trap 'curl x' EXIT",
            "trap -- \"$cmd\" INT",
            "alias ls=curl",
            "alias \"$x\"",
            "hash -p /tmp/evil ls; ls",
            "enable -n echo; echo hi",
            "enable -f /tmp/x.so evil",
            "jobs -x curl x",
            "compgen -W x",
            "complete -C 'curl x' ls",
            "mapfile -C 'curl x' -c 1 arr",
            "fc -s",
            "bind -x '\"\\C-x\": curl x'",
        })
        void builtinsThatInstallOrRunCode(String script) {
            assertThat(analyze("bash", "-c", script)).as(script).isInstanceOf(Opaque.class);
        }

        @ParameterizedTest
        @ValueSource(strings = {
            "echo \"${x:-\"a\"}\"",
            "echo ${x:-'}'}; curl evil",
            "echo ${x:-{a}b}",
            "echo $'\\'' $(id)'",
            "echo $\"hello\"",
            "echo ${ ls; }",
            "echo ${(e)x}",
        })
        void constructsShellsDisagreeOn(String script) {
            assertThat(analyze("bash", "-c", script)).as(script).isInstanceOf(Opaque.class);
        }

        @Test
        void deeplyNestedParameterExpansions() {
            String script = "echo " + "${x:-".repeat(40) + "y" + "}".repeat(40);
            assertThat(opaqueWhy(script)).contains("nested too deeply");
            assertThat(run("echo ${a:-${b:-${c}}}")).isEmpty();
        }

        @Test
        void execOptions() {
            assertThat(opaqueWhy("bash", "exec -a")).contains("without a name");
            assertThat(opaqueWhy("bash", "exec -x curl")).contains("unknown option -x");
            assertThat(opaqueWhy("command -x curl")).contains("unknown option -x");
        }
    }

    @Nested
    class RandomScripts {

        private static final String[] VOCABULARY = {
            "ls", "curl", "x", "-n", "5", "echo", "sh", "bash", "-c", "exec", "command", "-v", "-p", "builtin",
            "eval", "env", "if", "then", "elif", "else", "fi", "while", "until", "do", "done", "for", "in",
            "case", "esac", "{", "}", "(", ")", "!", "time", ";", "&", "&&", "||", "|", "|&", "\n", ";;",
            ">", ">>", "<", "2>&1", "&>", ">|", "<>", "<<<", "<<", "<(", ">(", "$(", "`", "$((", "))",
            "${", "$X", "${X}", "${X:-d}", "${#X}", "$1", "$@", "\"$@\"", "$?", "$!", "~", "~/bin", "*", "?",
            "[", "]", "*.go", "a[1]", "'", "\"", "\\", "\\\n", "$'", "$\"", "#", "=", "FOO=1", "PATH=/x",
            "A='a b'", "'quoted'", "\"dq $X\"", "$'\\x41'", "trap", "read", "test", "-f", "declare",
            "printf", "%s", "wait", "unset", "let", ":", "true", "noglob", " ", " ", " ", "\t",
        };

        private static final String[] SHELLS = {"sh", "bash", "dash", "zsh", "ksh", "mksh", "/bin/sh", "python"};
        private static final String[] OPTIONS = {"-c", "-lc", "-x", "-o", "errexit", "-O", "+o", "--", "-", "-s",
            "--norc", "--rcfile", "-Z", "-T", "+c", "-oc", "--emulate", "-eo", "pipefail"};

        @ParameterizedTest
        @ValueSource(longs = {1, 2, 3, 4, 5})
        void randomScriptsNeverBreakTheAnalyzer(long seed) {
            Random random = new Random(seed);
            for (int i = 0; i < 10_000; i++) {
                String script = randomScript(random);
                List<String> argv = List.of("sh", "-c", script);
                ShellAnalysis analysis = analyzeSafely(argv);
                if (analysis instanceof Script result) {
                    assertThat(result.script()).isEqualTo(script);
                    assertThat(result.commands())
                            .allSatisfy(command -> assertThat(command).isNotEmpty().doesNotContainNull());
                    assertThat(hasCommandSubstitutionOutsideSingleQuotes(script))
                            .as("Script answer for %s, which contains $( or a backtick", script)
                            .isFalse();
                }
                if (analysis instanceof Opaque opaque) {
                    assertThat(opaque.why()).isNotBlank();
                }
            }
        }

        @ParameterizedTest
        @ValueSource(longs = {11, 12})
        void randomInvocationsNeverBreakTheAnalyzer(long seed) {
            Random random = new Random(seed);
            for (int i = 0; i < 5_000; i++) {
                List<String> argv = new ArrayList<>();
                argv.add(SHELLS[random.nextInt(SHELLS.length)]);
                for (int n = random.nextInt(5); n > 0; n--) {
                    argv.add(random.nextInt(4) == 0 ? randomScript(random) : OPTIONS[random.nextInt(OPTIONS.length)]);
                }
                analyzeSafely(argv);
            }
        }

        private static ShellAnalysis analyzeSafely(List<String> argv) {
            ShellAnalysis[] result = new ShellAnalysis[1];
            assertThatCode(() -> result[0] = ShellCommandAnalyzer.analyze(argv))
                    .as("analyze(%s)", argv)
                    .doesNotThrowAnyException();
            assertThat(result[0]).as("analyze(%s)", argv).isNotNull();
            if (result[0] instanceof Opaque opaque) {
                assertThat(opaque.why()).as("analyze(%s)", argv).doesNotStartWith("analysis failed");
            }
            return result[0];
        }

        private static String randomScript(Random random) {
            StringBuilder script = new StringBuilder();
            for (int pieces = 1 + random.nextInt(25); pieces > 0; pieces--) {
                if (random.nextInt(5) == 0) {
                    for (int chars = 1 + random.nextInt(3); chars > 0; chars--) {
                        script.append(randomCharacter(random));
                    }
                } else {
                    script.append(VOCABULARY[random.nextInt(VOCABULARY.length)]);
                }
                if (random.nextInt(10) < 6) {
                    script.append(' ');
                }
            }
            return script.toString();
        }

        private static char randomCharacter(Random random) {
            return switch (random.nextInt(4)) {
                case 0 -> (char) random.nextInt(0x20);
                case 1 -> (char) (0x80 + random.nextInt(0x800));
                default -> (char) (0x20 + random.nextInt(0x60));
            };
        }

        /**
         * An independent, deliberately simple reading of the quoting rules: is there a "$(" or a
         * backtick that is not inside single quotes, not escaped and not in a comment?
         */
        static boolean hasCommandSubstitutionOutsideSingleQuotes(String script) {
            boolean singleQuoted = false;
            boolean doubleQuoted = false;
            boolean atWordStart = true;
            for (int i = 0; i < script.length(); i++) {
                char c = script.charAt(i);
                boolean substitution = c == '`' || (c == '$' && i + 1 < script.length() && script.charAt(i + 1) == '(');
                if (singleQuoted) {
                    singleQuoted = c != '\'';
                } else if (c == '\\') {
                    boolean continuation = i + 1 < script.length() && script.charAt(i + 1) == '\n';
                    i++;
                    atWordStart &= continuation;
                } else if (doubleQuoted) {
                    if (substitution) {
                        return true;
                    }
                    doubleQuoted = c != '"';
                } else if (c == '#' && atWordStart) {
                    while (i + 1 < script.length() && script.charAt(i + 1) != '\n') {
                        i++;
                    }
                } else if (substitution) {
                    return true;
                } else {
                    singleQuoted = c == '\'';
                    doubleQuoted = c == '"';
                    atWordStart = " \t\n;&|()<>".indexOf(c) >= 0;
                }
            }
            return false;
        }
    }
}
