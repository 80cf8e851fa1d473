package dev.agentsh.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code agentsh exec --pty} against a real server: the command gets a terminal, input, and the same policy. */
class PtyE2ETest {
    @TempDir
    static Path dir;
    private static ServerProcess server;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start(dir);
        server.writePolicy("e2e", TestPolicies.E2E);
        api = new Api(server);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theCommandRunsOnATerminalAndReadsWhatIsTyped() throws Exception {
        String session = api.createSession(server.workspace(), "e2e");
        Path typed = Files.writeString(dir.resolve("typed.txt"), "hello\n");

        CliRun.Result r = CliRun.against(server).stdinFrom(typed).run("exec", "--pty", session, "--",
                "sh", "-c", "test -t 0 && test -t 1 && echo on-a-terminal; read line; echo \"got $line\"; exit 3");

        String screen = r.out().replace("\r", "");
        assertThat(screen).contains("on-a-terminal\n").contains("got hello\n");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        // The transcript is kept like any command's stdout.
        assertThat(api.get("/api/v1/sessions/" + session + "/history").body()).contains("command_finished");
    }

    @Test
    void aDeniedCommandIsRefusedWithTheReasonAndExit126() {
        String session = api.createSession(server.workspace(), "e2e");

        CliRun.Result r = CliRun.against(server).run("exec", "--pty", session, "--", "rm", "-rf", "/tmp/nothing-here");

        assertThat(r.exit()).as(r.toString()).isEqualTo(126);
        assertThat(r.err()).contains("command denied by policy").contains("rule=block-rm-rf")
                .contains("Tip: re-run without --pty to see policy details");
    }

    @Test
    void anUnknownSessionIsCreatedOnFirstUseAsWithPlainExec() {
        // Auto-creation is part of autostart, which the test harness turns off by default.
        CliRun.Result r = CliRun.against(server).env("AGENTSH_NO_AUTO", "0").env("AGENTSH_SESSION_ROOT", server.workspace().toString())
                .run("exec", "--pty", "pty-fresh-session", "--", "echo", "hi");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out().replace("\r", "")).isEqualTo("hi\n");
    }
}
