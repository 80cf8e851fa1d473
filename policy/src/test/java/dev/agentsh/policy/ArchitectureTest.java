package dev.agentsh.policy;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The policy engine decides; it never touches processes, sockets or native code. */
class ArchitectureTest {
    private static final JavaClasses POLICY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.agentsh.policy");

    @Test
    void engineMakesNoOsCalls() {
        noClasses().that().resideInAPackage("dev.agentsh.policy.engine..")
                .or().resideInAPackage("dev.agentsh.policy.match..")
                .or().resideInAPackage("dev.agentsh.policy.exec..")
                .or().resideInAPackage("dev.agentsh.policy.shell..")
                .should().dependOnClassesThat(resideInAnyPackage("java.lang.foreign..", "java.nio.file..", "java.net..", "java.io..")
                        // InetAddress.ofLiteral only parses text; it never resolves names.
                        .and(not(assignableTo(InetAddress.class))))
                .orShould().dependOnClassesThat().haveFullyQualifiedName(ProcessBuilder.class.getName())
                .orShould().dependOnClassesThat().haveFullyQualifiedName(Runtime.class.getName())
                .check(POLICY);
    }

    @Test
    void policyDependsOnNothingElseOfOurs() {
        noClasses().that().resideInAPackage("dev.agentsh.policy..")
                .should().dependOnClassesThat().resideInAPackage("dev.agentsh.cli..")
                .check(POLICY);
    }
}
