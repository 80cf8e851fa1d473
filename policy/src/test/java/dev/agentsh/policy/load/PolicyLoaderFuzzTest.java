package dev.agentsh.policy.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.engine.EngineOptions;
import dev.agentsh.policy.engine.PolicyEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Mutated and generated policy text never escapes the loader as anything but a
 * {@link PolicyException} with a one-line message that names the source.
 */
class PolicyLoaderFuzzTest {
    private static final String[] FRAGMENTS = {
        "version: 1\n", "name: x\n", "command_rules:\n", "  - name: a\n", "    commands: [git]\n",
        "    decision: allow\n", "    decision: [deny]\n", "    args_patterns: [\"re:(\"]\n", "    context: {min_depth: 3, max_depth: 1}\n",
        "file_rules:\n", "  - {name: f, paths: [\"${HOME}/**\"], decision: deny}\n", "  - {paths: [\"/x/[\"], decision: deny}\n",
        "network_rules:\n", "  - {name: n, cidrs: [\"1.2.3.4/99\"], decision: allow}\n", "    ports: [99999]\n",
        "signal_rules:\n", "  - {name: s, signals: [\"@fatal\"], target: {type: children}, decision: redirect}\n",
        "env_policy: {allow: [\"*\"], max_keys: -1}\n", "resource_limits: {command_timeout: 10}\n", "&a [*a]\n",
        "? [complex]\n: key\n", "!!binary x\n", "\t\n", "- \n", "{", "]", "'", "\"", "\u0000", "key: &x\n  a: *x\n",
        "transparent_commands: {add: [x], remove: y}\n", "dns_redirects: [{name: d, match: \"(\", resolve_to: 1.2.3.4}]\n",
    };

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void mutatedShippedPolicies(long seed) {
        Random random = new Random(seed);
        List<String> bases = new ArrayList<>();
        for (String name : PolicyStore.BUILTIN) {
            PolicyStore.builtinText(name).ifPresent(bases::add);
        }
        assertThat(bases).isNotEmpty();
        for (int i = 0; i < 400; i++) {
            String base = bases.get(random.nextInt(bases.size()));
            loadOrPolicyException(mutate(base, random));
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
    void generatedDocuments(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 1500; i++) {
            StringBuilder doc = new StringBuilder();
            int parts = 1 + random.nextInt(12);
            for (int p = 0; p < parts; p++) {
                doc.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
            }
            loadOrPolicyException(doc.toString());
        }
    }

    private static String mutate(String text, Random random) {
        StringBuilder s = new StringBuilder(text);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && !s.isEmpty(); e++) {
            int at = random.nextInt(s.length());
            switch (random.nextInt(5)) {
                case 0 -> s.deleteCharAt(at);
                case 1 -> s.insert(at, FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
                case 2 -> s.setCharAt(at, (char) (32 + random.nextInt(95)));
                case 3 -> {
                    int end = Math.min(s.length(), at + random.nextInt(200));
                    s.delete(at, end);
                }
                default -> s.insert(at, s.substring(at, Math.min(s.length(), at + random.nextInt(100))));
            }
        }
        return s.toString();
    }

    private static void loadOrPolicyException(String text) {
        try {
            PolicyEngine.compile(PolicyLoader.load("fuzz.yaml", text), EngineOptions.defaults()
                    .withVariables(Map.of("HOME", "/h", "PROJECT_ROOT", "/p", "GIT_ROOT", "/p")::get));
        } catch (PolicyException e) {
            assertThat(e.getMessage()).startsWith("fuzz.yaml").doesNotContain("\n");
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("loader threw " + e + " for:\n" + text, e);
        }
    }
}
