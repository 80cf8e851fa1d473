package dev.agentsh.cli.e2e;

/** Small policies the end-to-end tests write into the server's policies directory. */
final class TestPolicies {
    private TestPolicies() {
    }

    /**
     * {@code e2e}: every program may run (so a missing one reaches the launcher and fails with 127),
     * except {@code rm -rf}; {@code curl} is redirected to {@code echo}; one variable is injected.
     */
    static final String E2E = """
            version: 1
            name: e2e
            description: end-to-end tests
            command_rules:
              - name: redirect-curl
                commands: [curl]
                decision: redirect
                message: curl is replaced by echo in the tests
                redirect_to:
                  command: echo
                  args: ["redirected-curl:"]
              - name: block-rm-rf
                commands: [rm]
                args_patterns: ["*-rf*"]
                decision: deny
              - name: allow-everything-else
                decision: allow
            env_inject:
              E2E_INJECTED: from-policy
            """;

    /** {@code approvals}: {@code touch} waits up to 60 s for a human, {@code mkdir} for approvals.timeout. */
    static final String APPROVALS = """
            version: 1
            name: approvals
            command_rules:
              - name: approve-touch
                commands: [touch]
                decision: approve
                message: touch needs a human
                timeout: 60s
              - name: approve-mkdir
                commands: [mkdir]
                decision: approve
                message: mkdir needs a human
              - name: allow-everything-else
                decision: allow
            """;
}
