package dev.agentsh.policy.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsh.policy.load.PolicyLoader;
import dev.agentsh.policy.match.Glob;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The rule indexes only skip rules that cannot match: on random rules and subjects, the engine
 * picks the same rule as trying every rule in order.
 */
class IndexDifferentialTest {
    /** Subjects use the first seven (clean paths: normalization is PathsTest's business); patterns use all. */
    private static final String[] SEGMENTS = {"home", "etc", "tmp", "usr", "proc", "a", "b", "", "*", "**", "x*", "{a,b}", "[ab]", "?"};
    private static final String[] LABELS = {"com", "org", "github", "api", "x", "*", "**", "a*", "{a,b}", "localhost", "10", "0"};

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void fileRules(long seed) throws Exception {
        Random random = new Random(seed);
        for (int round = 0; round < 40; round++) {
            List<String> patterns = new ArrayList<>();
            StringBuilder yaml = new StringBuilder("version: 1\nname: d\nfile_rules:\n");
            for (int i = 0; i < 12; i++) {
                String p = randomPath(random, true);
                patterns.add(p);
                yaml.append("  - {name: r").append(i).append(", paths: [\"").append(p).append("\"], decision: deny}\n");
            }
            PolicyEngine engine = PolicyEngine.compile(PolicyLoader.load("d.yaml", yaml.toString()), EngineOptions.defaults());
            for (int q = 0; q < 200; q++) {
                String path = randomPath(random, false);
                String expected = "default-deny-files";
                for (int i = 0; i < patterns.size(); i++) {
                    if (Glob.compile(patterns.get(i), '/').matches(path)) {
                        expected = "r" + i;
                        break;
                    }
                }
                assertThat(engine.checkFile(path, "write").rule()).as(path + " against " + patterns).isEqualTo(expected);
            }
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {11, 12, 13, 14, 15})
    void domainRules(long seed) throws Exception {
        Random random = new Random(seed);
        for (int round = 0; round < 40; round++) {
            List<String> patterns = new ArrayList<>();
            StringBuilder yaml = new StringBuilder("version: 1\nname: d\nnetwork_rules:\n");
            for (int i = 0; i < 12; i++) {
                String p = randomHost(random, true);
                patterns.add(p);
                yaml.append("  - {name: r").append(i).append(", domains: [\"").append(p).append("\"], decision: allow}\n");
            }
            PolicyEngine engine = PolicyEngine.compile(PolicyLoader.load("d.yaml", yaml.toString()), EngineOptions.defaults());
            for (int q = 0; q < 200; q++) {
                String host = randomHost(random, false);
                String expected = "default-deny-network";
                for (int i = 0; i < patterns.size(); i++) {
                    if (patterns.get(i).equals("*") || Glob.compile(patterns.get(i), '.').matches(host)) {
                        expected = "r" + i;
                        break;
                    }
                }
                assertThat(engine.checkNetwork(host, 443, List.of()).rule()).as(host + " against " + patterns).isEqualTo(expected);
            }
        }
    }

    private static String randomPath(Random random, boolean pattern) {
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(4);
        for (int i = 0; i <= n; i++) {
            String seg = SEGMENTS[random.nextInt(pattern ? SEGMENTS.length : 7)];
            s.append('/').append(seg);
        }
        return random.nextInt(10) == 0 ? s.substring(1) : s.toString();
    }

    private static String randomHost(Random random, boolean pattern) {
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(4);
        for (int i = 0; i <= n; i++) {
            if (i > 0) {
                s.append('.');
            }
            s.append(LABELS[random.nextInt(pattern ? LABELS.length : 5)]);
        }
        return s.toString();
    }
}
