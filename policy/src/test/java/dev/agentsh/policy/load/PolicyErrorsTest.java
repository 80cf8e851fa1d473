package dev.agentsh.policy.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.engine.EngineOptions;
import dev.agentsh.policy.engine.PolicyEngine;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every way a policy can be broken gives one line: file:line:column: key: what is wrong and what was expected. */
class PolicyErrorsTest {
    private static final String HEAD = "version: 1\nname: p\n";

    private static PolicyException failure(String yaml) {
        try {
            PolicyEngine.compile(PolicyLoader.load("p.yaml", yaml),
                    EngineOptions.defaults().withVariables(Map.of("HOME", "/home/u")::get));
        } catch (PolicyException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return e;
        }
        throw new AssertionError("expected the policy to be rejected:\n" + yaml);
    }

    static Stream<Arguments> broken() {
        return Stream.of(
            Arguments.of("unknown top-level key",
                    "comand_rules: []",
                    "p.yaml:3:1: comand_rules: unknown key; expected one of"),
            Arguments.of("unknown key inside a command rule",
                    "command_rules:\n  - name: a\n    commands: [ls]\n    decision: allow\n    args_pattern: [x]",
                    "p.yaml:7:5: command_rules[0].args_pattern: unknown key"),
            Arguments.of("unknown decision",
                    "command_rules:\n  - {name: a, commands: [ls], decision: alow}",
                    "p.yaml:4:41: command_rules[0].decision: unknown decision \"alow\"; expected one of allow, deny, approve, redirect, audit"),
            Arguments.of("decision not valid for the kind",
                    "network_rules:\n  - {name: a, domains: [x], decision: soft_delete}",
                    "decision not valid here \"soft_delete\""),
            Arguments.of("bad glob",
                    "file_rules:\n  - name: a\n    paths: [\"/x/[abc\"]\n    decision: deny",
                    "p.yaml:5:13: file_rules[0].paths: bad glob \"/x/[abc\" at character 4: '[' is never closed"),
            Arguments.of("bad regex",
                    "command_rules:\n  - name: a\n    commands: [git]\n    args_patterns: [\"re:push(\"]\n    decision: deny",
                    "p.yaml:6:21: command_rules[0].args_patterns: bad regular expression"),
            Arguments.of("bad CIDR",
                    "network_rules:\n  - name: a\n    cidrs: [10.0.0.0/33]\n    decision: deny",
                    "p.yaml:5:13: network_rules[0].cidrs: bad CIDR \"10.0.0.0/33\""),
            Arguments.of("bad duration",
                    "resource_limits:\n  command_timeout: 5 minutes",
                    "p.yaml:4:20: resource_limits.command_timeout: bad duration \"5 minutes\""),
            Arguments.of("undefined variable",
                    "file_rules:\n  - name: a\n    paths: [\"${NOPE}/x\"]\n    decision: deny",
                    "p.yaml:5:13: file_rules[0].paths: undefined variable NOPE"),
            Arguments.of("bad context",
                    "command_rules:\n  - name: a\n    commands: [x]\n    decision: allow\n    context: [sometimes]",
                    "p.yaml:7:15: command_rules[0].context: unknown context value \"sometimes\""),
            Arguments.of("redirect without target",
                    "command_rules:\n  - {name: a, commands: [curl], decision: redirect}",
                    "command_rules[0].redirect_to: is required when decision is redirect"),
            Arguments.of("unknown template field",
                    "command_rules:\n  - {name: a, commands: [x], decision: deny, message: \"no {{.Cmd}}\"}",
                    "unknown template field {{.Cmd}}"),
            Arguments.of("unknown signal",
                    "signal_rules:\n  - {name: a, signals: [SIGFOO], target: {type: children}, decision: deny}",
                    "unknown signal \"SIGFOO\""),
            Arguments.of("unknown signal group",
                    "signal_rules:\n  - {name: a, signals: [\"@nonexistent\"], target: {type: children}, decision: deny}",
                    "unknown signal group \"@nonexistent\""),
            Arguments.of("unknown target type",
                    "signal_rules:\n  - {name: a, signals: [TERM], target: {type: invalid_type}, decision: deny}",
                    "unknown target type \"invalid_type\""),
            Arguments.of("unknown file operation",
                    "file_rules:\n  - {name: a, paths: [/x], operations: [wrte], decision: deny}",
                    "unknown operation \"wrte\""),
            Arguments.of("wrong type",
                    "command_rules: yes",
                    "command_rules: expected a list of mappings"),
            Arguments.of("duplicate key",
                    "command_rules: []\ncommand_rules: []",
                    "p.yaml:4:1: command_rules: duplicate key"),
            Arguments.of("a glob where every pattern is a regex",
                    "args_pattern_syntax: regex\ncommand_rules:\n  - {name: a, commands: [rm], args_patterns: [\"*-rf*\"], decision: deny}",
                    "command_rules[0].args_patterns: bad regular expression \"*-rf*\""),
            Arguments.of("bad port",
                    "network_rules:\n  - {name: a, ports: [http], decision: deny}",
                    "bad port \"http\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void brokenPolicies(String what, String body, String expected) {
        String yaml = HEAD + body;
        assertThat(failure(yaml).getMessage()).as(what).contains(expected);
    }

    @Test
    void yamlSyntaxErrorNamesLineAndColumn() {
        PolicyException e = failure(HEAD + "command_rules:\n  - name: [unclosed\n");
        assertThat(e.getMessage()).startsWith("p.yaml:5:").contains("YAML syntax error");
    }

    @Test
    void missingVersionAndName() {
        assertThat(failure("name: p\n").getMessage()).isEqualTo("p.yaml:1:1: version: is required, e.g. version: 1");
        assertThat(failure("version: 1\n").getMessage()).isEqualTo("p.yaml:1:1: name: is required");
        assertThat(failure("version: 0\nname: p\n").getMessage()).contains("version: must be a number greater than 0");
    }

    @Test
    void emptyAndNonMappingDocuments() {
        assertThat(failure("").getMessage()).isEqualTo("p.yaml:1:1: the file is empty");
        assertThat(failure("- a\n- b\n").getMessage()).contains("expected a mapping");
    }

    @Test
    void missingFileSaysSo() {
        assertThatThrownBy(() -> PolicyLoader.loadFile(Path.of("/nonexistent/policy.yaml")))
                .isInstanceOf(PolicyException.class)
                .hasMessage("/nonexistent/policy.yaml: no such file");
    }
}
