package dev.agentsh.policy.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.tuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WrapperUnwrapperTest {

    private final WrapperUnwrapper unwrapper = new WrapperUnwrapper(List.of(), List.of());

    /** Unwraps a command line given as words; the first word is both the program and argv[0]. */
    private static Unwrapping unwrap(WrapperUnwrapper unwrapper, String... words) {
        return unwrapper.unwrap(words[0], List.of(words));
    }

    private Unwrapping unwrap(String... words) {
        return unwrap(unwrapper, words);
    }

    private static List<String> programs(Unwrapping unwrapping) {
        return unwrapping.invocations().stream().map(Invocation::program).toList();
    }

    private static List<String> payloadPrograms(Unwrapping unwrapping) {
        return programs(unwrapping).subList(1, unwrapping.invocations().size());
    }

    @Nested
    class Env {

        @Test
        void skipsOptionsAndAssignments() {
            Unwrapping result = unwrapper.unwrap("/usr/bin/env",
                    List.of("env", "-i", "FOO=bar", "wget", "http://evil.com"));

            assertThat(result.unwrapped()).isTrue();
            assertThat(result.invocations()).containsExactly(
                    new Invocation("/usr/bin/env", List.of("env", "-i", "FOO=bar", "wget", "http://evil.com"), 0),
                    new Invocation("wget", List.of("wget", "http://evil.com"), 1));
            assertThat(result.notes()).contains("env: skipped environment assignment FOO=bar", "env: payload is wget");
        }

        @Test
        void endOfOptions() {
            assertThat(payloadPrograms(unwrap("env", "-i", "--", "wget"))).containsExactly("wget");
        }

        @Test
        void optionsWithArguments() {
            Unwrapping result = unwrap("env", "-u", "N", "-C", "/tmp", "FOO=1", "wget");

            assertThat(payloadPrograms(result)).containsExactly("wget");
            assertThat(result.notes()).contains("env: option -u takes an argument (N)",
                    "env: option -C takes an argument (/tmp)");
        }

        @Test
        void splitStringWordsComeFirst() {
            Unwrapping result = unwrap("env", "-S", "wget url", "more");

            assertThat(result.invocations().get(1).argv()).containsExactly("wget", "url", "more");
        }

        @Test
        void splitStringIsParsedAgain() {
            assertThat(payloadPrograms(unwrap("env", "-S-i  FOO=1 wget", "url"))).containsExactly("wget");
            assertThat(payloadPrograms(unwrap("env", "--split-string=-u X curl"))).containsExactly("curl");
        }

        @Test
        void loneDashMeansIgnoreEnvironment() {
            assertThat(payloadPrograms(unwrap("env", "-", "A=1", "wget"))).containsExactly("wget");
        }

        @Test
        void abbreviatedLongOption() {
            assertThat(payloadPrograms(unwrap("env", "--uns", "N", "wget"))).containsExactly("wget");
        }

        @Test
        void argv0OverrideKeepsProgram() {
            Unwrapping result = unwrap("env", "-a", "innocent", "wget", "x");

            assertThat(result.invocations().get(1))
                    .isEqualTo(new Invocation("wget", List.of("innocent", "x"), 1));
        }

        @Test
        void wordWithEqualsThatIsNoNameIsReadBothWays() {
            Unwrapping result = unwrap("env", "./x=y", "wget");

            assertThat(payloadPrograms(result)).containsExactlyInAnyOrder("./x=y", "wget");
        }

        @Test
        void onlyAssignmentsRunNothing() {
            Unwrapping result = unwrap("env", "-i", "FOO=bar");

            assertThat(result.unwrapped()).isFalse();
            assertThat(result.notes()).contains("env: no payload");
        }
    }

    @Nested
    class Nice {

        @ParameterizedTest
        @ValueSource(strings = {"-n 10", "-n10", "-10", "--5", "-+5", "--adjustment=5", "--adjustment 5", "--adj 5"})
        void adjustmentIsNotTheCommand(String options) {
            List<String> words = new ArrayList<>(List.of("nice"));
            words.addAll(Arrays.asList(options.split(" ")));
            words.add("wget");

            assertThat(payloadPrograms(unwrapper.unwrap("nice", words))).containsExactly("wget");
        }

        @Test
        void notesTheArgument() {
            assertThat(unwrap("nice", "-n", "5", "wget").notes()).contains("nice: option -n takes an argument (5)");
        }

        @Test
        void aloneRunsNothing() {
            assertThat(unwrap("nice").unwrapped()).isFalse();
        }

        @Test
        void unknownLongOptionConsidersBothReadings() {
            assertThat(payloadPrograms(unwrap("nice", "--frobnicate", "curl", "wget")))
                    .containsExactlyInAnyOrder("curl", "wget");
            assertThat(payloadPrograms(unwrap("nice", "--frobnicate=1", "wget"))).containsExactly("wget");
        }
    }

    @Nested
    class Sudo {

        @Test
        void peelsNestedWrappersLayerByLayer() {
            Unwrapping result = unwrap("sudo", "nice", "-n", "5", "env", "wget", "x");

            assertThat(result.invocations()).extracting(Invocation::program, Invocation::layer).containsExactly(
                    tuple("sudo", 0),
                    tuple("nice", 1),
                    tuple("env", 2),
                    tuple("wget", 3));
            assertThat(result.invocations().get(3).argv()).containsExactly("wget", "x");
        }

        @ParameterizedTest
        @ValueSource(strings = {"--user=root", "-u root", "-uroot", "--user root", "-E -u root", "-nEu root",
                "--preserve-env=PATH", "--preserve-env", "-D /tmp", "FOO=1 -u root", "-u root BAR=2"})
        void userAndOtherOptions(String options) {
            List<String> words = new ArrayList<>(List.of("sudo"));
            words.addAll(Arrays.asList(options.split(" ")));
            words.add("wget");

            assertThat(payloadPrograms(unwrapper.unwrap("sudo", words))).containsExactly("wget");
        }

        @Test
        void unknownOptionConsidersBothReadings() {
            Unwrapping result = unwrap("sudo", "-Z", "curl", "wget");

            assertThat(payloadPrograms(result)).containsExactlyInAnyOrder("curl", "wget");
            assertThat(result.notes()).contains("ambiguous: unknown option -Z of sudo; considered both readings");
        }

        @Test
        void hostFlagMayOrMayNotTakeTheNextWord() {
            Unwrapping result = unwrap("sudo", "-h", "box", "wget");

            assertThat(payloadPrograms(result)).containsExactlyInAnyOrder("box", "wget");
            assertThat(result.notes())
                    .contains("ambiguous: option -h of sudo may or may not take an argument; considered both readings");
            assertThat(payloadPrograms(unwrap("sudo", "-hbox", "wget"))).containsExactly("wget");
        }

        @Test
        void modesThatRunNothingStillEvaluateWhatFollows() {
            assertThat(payloadPrograms(unwrap("sudo", "-l", "wget"))).containsExactly("wget");
            assertThat(unwrap("sudo", "-l").unwrapped()).isFalse();
        }

        @Test
        void assignmentAfterEndOfOptionsMayBeTheCommand() {
            assertThat(payloadPrograms(unwrap("sudo", "--", "A=1", "wget"))).containsExactlyInAnyOrder("A=1", "wget");
        }

        @Test
        void ambiguousLongPrefixConsidersBothReadings() {
            // --pre matches both --preserve-env and --preserve-groups, which sudo rejects; evaluate both anyway.
            assertThat(payloadPrograms(unwrap("sudo", "--pre", "curl", "wget")))
                    .containsExactlyInAnyOrder("curl", "wget");
        }

        @Test
        void dynamicLoaderBehindSudo() {
            Unwrapping result = unwrap("sudo", "/lib64/ld-linux-x86-64.so.2", "/usr/bin/wget", "url");

            assertThat(result.invocations()).hasSize(3);
            assertThat(result.invocations().get(2))
                    .isEqualTo(new Invocation("/usr/bin/wget", List.of("/usr/bin/wget", "url"), 2));
        }
    }

    @Nested
    class DynamicLoader {

        @Test
        void programIsTheFirstOperand() {
            Unwrapping result = unwrap("/lib64/ld-linux-x86-64.so.2", "/usr/bin/wget", "url");

            assertThat(result.invocations().get(1))
                    .isEqualTo(new Invocation("/usr/bin/wget", List.of("/usr/bin/wget", "url"), 1));
        }

        @Test
        void skipsOptionArguments() {
            assertThat(payloadPrograms(unwrap("ld-linux-x86-64.so.2", "--library-path", "/x", "/usr/bin/wget")))
                    .containsExactly("/usr/bin/wget");
            assertThat(payloadPrograms(unwrap("ld-musl-x86_64.so.1", "--preload", "evil.so", "/bin/wget")))
                    .containsExactly("/bin/wget");
        }

        @Test
        void argv0ChangesOnlyTheArgumentVector() {
            Unwrapping result = unwrap("ld.so", "--argv0", "ls", "/usr/bin/wget", "url");

            assertThat(result.invocations().get(1))
                    .isEqualTo(new Invocation("/usr/bin/wget", List.of("ls", "url"), 1));
        }
    }

    @Nested
    class Busybox {

        @Test
        void appletIsTheFirstArgument() {
            Unwrapping result = unwrap("busybox", "wget", "x");

            assertThat(result.invocations().get(1)).isEqualTo(new Invocation("wget", List.of("wget", "x"), 1));
        }

        @Test
        void multicallDispatchesOnArgv0() {
            Unwrapping result = unwrapper.unwrap("/bin/busybox", List.of("wget", "x"));

            assertThat(result.invocations().get(1)).isEqualTo(new Invocation("wget", List.of("wget", "x"), 1));
        }

        @Test
        void multicallUsesTheBasenameOfArgv0() {
            assertThat(payloadPrograms(unwrapper.unwrap("/bin/busybox", List.of("/usr/bin/env", "wget"))))
                    .containsExactly("env", "wget");
        }

        @Test
        void metaCommandsRunNothing() {
            assertThat(unwrap("busybox", "--install", "-s", "/bin").unwrapped()).isFalse();
            assertThat(unwrap("busybox", "--list").unwrapped()).isFalse();
            assertThat(unwrap("busybox").unwrapped()).isFalse();
        }
    }

    @Nested
    class OtherBuiltins {

        @Test
        void doas() {
            assertThat(payloadPrograms(unwrap("doas", "-u", "root", "wget"))).containsExactly("wget");
        }

        @Test
        void time() {
            assertThat(payloadPrograms(unwrap("time", "-o", "f", "wget"))).containsExactly("wget");
            assertThat(payloadPrograms(unwrap("time", "--format=%e", "-v", "wget"))).containsExactly("wget");
        }

        @Test
        void nohup() {
            assertThat(payloadPrograms(unwrap("nohup", "--", "wget"))).containsExactly("wget");
        }

        @Test
        void xargs() {
            assertThat(payloadPrograms(unwrap("xargs", "-I{}", "-n1", "wget"))).containsExactly("wget");
            assertThat(payloadPrograms(unwrap("xargs", "-I", "{}", "wget", "{}"))).containsExactly("wget");
        }

        @Test
        void xargsAttachedOptionalArgumentNeverTakesTheNextWord() {
            assertThat(payloadPrograms(unwrap("xargs", "-i", "wget"))).containsExactly("wget");
            assertThat(payloadPrograms(unwrap("xargs", "-l", "-e", "wget"))).containsExactly("wget");
            assertThat(payloadPrograms(unwrap("xargs", "--replace", "wget"))).containsExactly("wget");
        }

        @Test
        void strace() {
            assertThat(payloadPrograms(unwrap("strace", "-o", "f", "-e", "trace=execve", "wget")))
                    .containsExactly("wget");
            assertThat(payloadPrograms(unwrap("strace", "-fvs", "100", "--trace", "execve", "wget")))
                    .containsExactly("wget");
        }

        @Test
        void straceArgv0() {
            assertThat(unwrap("strace", "-f", "--argv0=sshd", "/usr/bin/wget", "x").invocations().get(1))
                    .isEqualTo(new Invocation("/usr/bin/wget", List.of("sshd", "x"), 1));
        }

        @Test
        void ltrace() {
            assertThat(payloadPrograms(unwrap("ltrace", "-f", "-l", "libc.so.6", "-o", "out", "wget")))
                    .containsExactly("wget");
        }

        @Test
        void timeoutSkipsItsDuration() {
            assertThat(payloadPrograms(unwrap("timeout", "5", "wget"))).containsExactly("wget");
            assertThat(payloadPrograms(unwrap("timeout", "-s", "KILL", "-k", "1", "5s", "wget")))
                    .containsExactly("wget");
            assertThat(unwrap("timeout", "5").unwrapped()).isFalse();
        }

        @Test
        void stdbuf() {
            assertThat(payloadPrograms(unwrap("stdbuf", "-oL", "wget"))).containsExactly("wget");
            assertThat(payloadPrograms(unwrap("stdbuf", "-i", "0", "--error=L", "wget"))).containsExactly("wget");
        }

        @Test
        void setsid() {
            assertThat(payloadPrograms(unwrap("setsid", "-f", "wget"))).containsExactly("wget");
        }

        @Test
        void ionice() {
            assertThat(payloadPrograms(unwrap("ionice", "-c", "2", "-n", "7", "wget"))).containsExactly("wget");
            assertThat(unwrap("ionice", "-c", "3", "-p", "1234").unwrapped()).isFalse();
            assertThat(unwrap("ionice", "-u", "1000").unwrapped()).isFalse();
        }

        @Test
        void tasksetSkipsItsMask() {
            assertThat(payloadPrograms(unwrap("taskset", "0x3", "wget"))).containsExactly("wget");
            assertThat(payloadPrograms(unwrap("taskset", "-c", "0,1", "wget"))).containsExactly("wget");
        }

        @Test
        void tasksetPidModeRunsNothing() {
            Unwrapping result = unwrap("taskset", "-p", "1234");

            assertThat(result.unwrapped()).isFalse();
            assertThat(unwrap("taskset", "-pc", "0", "1234", "wget").unwrapped()).isFalse();
        }

        @Test
        void chrtSkipsANumericPriority() {
            assertThat(payloadPrograms(unwrap("chrt", "-f", "10", "wget"))).containsExactly("wget");
            assertThat(payloadPrograms(unwrap("chrt", "10", "wget"))).containsExactly("wget");
        }

        @Test
        void chrtPriorityMayBeOmitted() {
            assertThat(payloadPrograms(unwrap("chrt", "-b", "wget"))).containsExactly("wget");
            assertThat(payloadPrograms(unwrap("chrt", "--idle", "0", "wget"))).containsExactly("wget");
        }

        @Test
        void chrtPidModeRunsNothing() {
            assertThat(unwrap("chrt", "-f", "-p", "10", "1234").unwrapped()).isFalse();
        }
    }

    @Nested
    class PolicyChanges {

        @Test
        void removedBuiltinIsNotUnwrapped() {
            WrapperUnwrapper withoutSudo = new WrapperUnwrapper(List.of(), List.of("SUDO"));

            assertThat(withoutSudo.isWrapper("sudo")).isFalse();
            assertThat(unwrap(withoutSudo, "sudo", "wget").unwrapped()).isFalse();
        }

        @Test
        void removeWinsOverAdd() {
            WrapperUnwrapper contradictory = new WrapperUnwrapper(List.of("myrunner"), List.of("MyRunner"));

            assertThat(contradictory.isWrapper("myrunner")).isFalse();
        }

        @Test
        void removingLdSoRemovesTheFamily() {
            WrapperUnwrapper withoutLoader = new WrapperUnwrapper(List.of(), List.of("ld.so"));

            assertThat(withoutLoader.isWrapper("ld-linux-x86-64.so.2")).isFalse();
        }

        @Test
        void addedWrapperComparesCaseInsensitively() {
            WrapperUnwrapper custom = new WrapperUnwrapper(List.of("MyRunner"), List.of());

            assertThat(custom.isWrapper("myrunner")).isTrue();
            assertThat(custom.isWrapper("MYRUNNER")).isTrue();
            assertThat(unwrap(custom, "/opt/bin/myrunner", "wget", "url").invocations().get(1))
                    .isEqualTo(new Invocation("wget", List.of("wget", "url"), 1));
        }

        @Test
        void builtinsAreCaseSensitive() {
            assertThat(unwrapper.isWrapper("env")).isTrue();
            assertThat(unwrapper.isWrapper("ENV")).isFalse();
        }

        @Test
        void addedWrapperOptionsAreReadBothWays() {
            WrapperUnwrapper custom = new WrapperUnwrapper(List.of("myrunner"), List.of());

            assertThat(payloadPrograms(unwrap(custom, "myrunner", "-x", "foo", "wget")))
                    .containsExactlyInAnyOrder("foo", "wget");
            assertThat(payloadPrograms(unwrap(custom, "myrunner", "--level=3", "A=1", "wget")))
                    .containsExactly("wget");
        }

        @Test
        void builtinNamesForDocs() {
            assertThat(WrapperUnwrapper.builtinWrappers()).containsExactlyInAnyOrder("env", "nice", "nohup", "sudo",
                    "time", "xargs", "busybox", "doas", "strace", "ltrace", "timeout", "stdbuf", "setsid", "ionice",
                    "taskset", "chrt", "ld.so");
        }
    }

    @Nested
    class Limits {

        @Test
        void stopsAfterFiveLayers() {
            Unwrapping result = unwrap("nice", "nice", "nice", "nice", "nice", "nice", "wget");

            assertThat(result.invocations()).extracting(Invocation::layer).containsExactly(0, 1, 2, 3, 4, 5);
            assertThat(programs(result)).doesNotContain("wget");
            assertThat(result.notes()).anyMatch(note -> note.startsWith("stopped after 5 layers"));
        }

        @Test
        void fiveLayersAreStillPeeled() {
            Unwrapping result = unwrap("nice", "nice", "nice", "nice", "nice", "wget");

            assertThat(result.invocations().getLast()).isEqualTo(new Invocation("wget", List.of("wget"), 5));
            assertThat(result.notes()).noneMatch(note -> note.startsWith("stopped"));
        }

        @Test
        void readingsPerLayerAreCapped() {
            WrapperUnwrapper custom = new WrapperUnwrapper(List.of("r"), List.of());
            List<String> words = new ArrayList<>(List.of("r"));
            for (int i = 0; i < 12; i++) {
                words.addAll(List.of("-x", "p" + i));
            }

            Unwrapping result = custom.unwrap("r", words);

            assertThat(result.invocations()).hasSize(9);
            assertThat(result.notes()).anyMatch(note -> note.startsWith("ambiguous: more than 8 readings"));
        }

        @Test
        void multiplyingSplitStringsAreBounded() {
            List<String> words = new ArrayList<>(List.of("env"));
            for (int i = 0; i < 40; i++) {
                words.addAll(List.of("-Z", "-S", "-Z x" + i));
            }
            words.add("wget");

            Unwrapping result = unwrapper.unwrap("env", words);

            assertThat(result.invocations()).hasSizeBetween(2, 9);
            assertThat(result.notes()).contains("ambiguous: too many readings of env; not all of them were explored");
        }

        @Test
        void longRunsOfAmbiguousOptionsStayCheap() {
            List<String> words = new ArrayList<>(List.of("sudo"));
            words.addAll(Collections.nCopies(20_000, "-Z"));
            words.add("wget");

            Unwrapping result = unwrapper.unwrap("sudo", words);

            assertThat(payloadPrograms(result)).containsExactly("wget");
        }
    }

    @Nested
    class MalformedInput {

        @Test
        void emptyAndNullInputs() {
            assertThat(unwrapper.unwrap("", List.of()).invocations()).hasSize(1);
            assertThat(unwrapper.unwrap(null, null).invocations()).hasSize(1);
            assertThat(unwrapper.unwrap("env", List.of()).unwrapped()).isFalse();
            assertThat(unwrapper.unwrap("/", List.of("")).unwrapped()).isFalse();
            assertThat(unwrapper.unwrap("sudo", Arrays.asList("sudo", null, "wget")).invocations()).hasSize(2);
            assertThat(unwrapper.isWrapper(null)).isFalse();
        }

        @Test
        void missingOptionArgumentRunsNothing() {
            assertThat(unwrap("nice", "-n").unwrapped()).isFalse();
            assertThat(unwrap("env", "-S").unwrapped()).isFalse();
        }

        @Test
        void randomArgumentVectorsKeepTheInvariants() {
            List<String> vocabulary = List.of("env", "nice", "nohup", "sudo", "time", "xargs", "busybox", "doas",
                    "strace", "ltrace", "timeout", "stdbuf", "setsid", "ionice", "taskset", "chrt",
                    "/lib64/ld-linux-x86-64.so.2", "ld.so", "myrunner", "/usr/bin/env", "wget", "curl", "-", "--",
                    "-i", "-n", "-u", "-S", "-C", "-p", "-c", "-h", "-e", "-x", "-Z", "-oL", "-10", "--5", "-+3",
                    "--user=root", "--user", "--adj", "--pre", "--argv0", "--library-path", "--list", "--install",
                    "-S env -S nice", "-Sfoo -i", "FOO=1", "a-b=c", "=x", "/x=y", "5", "0x3", "10", "", " ", "/",
                    "\u0000", "\uD83D\uDE00", "-\u00e9", "--=", "-=", "wget url");
            WrapperUnwrapper custom = new WrapperUnwrapper(List.of("myrunner"), List.of("doas"));
            for (long seed : new long[] {1, 2, 3, 4}) {
                Random random = new Random(seed);
                for (int i = 0; i < 5_000; i++) {
                    List<String> argv = new ArrayList<>();
                    int length = random.nextInt(14);
                    for (int j = 0; j < length; j++) {
                        argv.add(vocabulary.get(random.nextInt(vocabulary.size())));
                    }
                    String program = random.nextInt(4) == 0
                            ? vocabulary.get(random.nextInt(vocabulary.size()))
                            : argv.isEmpty() ? "env" : argv.getFirst();

                    assertThatNoException().isThrownBy(() -> assertInvariants(custom, program, argv));
                }
            }
        }

        private static void assertInvariants(WrapperUnwrapper unwrapper, String program, List<String> argv) {
            Unwrapping result = unwrapper.unwrap(program, argv);
            List<Invocation> invocations = result.invocations();

            assertThat(invocations.getFirst()).isEqualTo(new Invocation(program, argv, 0));
            assertThat(result.unwrapped()).isEqualTo(invocations.size() > 1);
            for (int i = 1; i < invocations.size(); i++) {
                int layer = invocations.get(i).layer();
                assertThat(layer).isBetween(invocations.get(i - 1).layer(), invocations.get(i - 1).layer() + 1);
                assertThat(layer).isBetween(1, WrapperUnwrapper.MAX_LAYERS);
                assertThat(invocations.get(i).argv()).isNotEmpty();
            }
            assertThat(invocations).doesNotHaveDuplicates();
        }
    }
}
