package dev.agentsh.policy.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.agentsh.policy.engine.ExecutableResolver;
import dev.agentsh.policy.load.PolicyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the data-driven suites as JUnit tests, one test per case: the conformance vectors
 * (src/test/resources/conformance), the seed's examples (src/test/resources/seed) and the shipped
 * policies' suites (configs/policies/tests).
 */
class PolicySuitesTest {
    private static final PolicySuite RUNNER = new PolicySuite(new PolicyStore(null, null), ExecutableResolver.LITERAL, name -> null);

    @TestFactory
    Stream<DynamicTest> conformanceVectors() throws Exception {
        return cases(Path.of("src/test/resources/conformance"));
    }

    @TestFactory
    Stream<DynamicTest> seedExamples() throws Exception {
        return cases(Path.of("src/test/resources/seed"));
    }

    @TestFactory
    Stream<DynamicTest> shippedPolicies() throws Exception {
        return cases(Path.of("../configs/policies/tests"));
    }

    private static Stream<DynamicTest> cases(Path dir) throws Exception {
        assertThat(dir).isDirectory();
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : PolicySuite.suiteFiles(dir)) {
            List<PolicySuite.Result> results = RUNNER.run(file);
            assertThat(results).as("cases in " + file).isNotEmpty();
            for (PolicySuite.Result r : results) {
                tests.add(DynamicTest.dynamicTest(file.getFileName() + ": " + r.name(), () -> {
                    if (!r.passed()) {
                        throw new AssertionError(r.mark() + " " + r.failure());
                    }
                }));
            }
        }
        assertThat(Files.exists(dir)).isTrue();
        return tests.stream();
    }
}
