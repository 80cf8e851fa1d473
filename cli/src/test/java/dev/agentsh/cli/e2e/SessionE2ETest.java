package dev.agentsh.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Session state that persists between commands, and the answers to bad requests. */
@Timeout(60)
class SessionE2ETest {
    @TempDir
    static Path dir;
    static ServerProcess server;
    static Api api;
    static CliRun cli;

    @BeforeAll
    static void start() throws Exception {
        server = ServerProcess.start(dir);
        server.writePolicy("e2e", TestPolicies.E2E);
        // An unknown key on line 5, column 5.
        server.writePolicy("broken", """
                version: 1
                name: broken
                command_rules:
                  - name: typo
                    decisoin: allow
                """);
        api = new Api(server);
        cli = CliRun.against(server);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    @Test
    void cdAndExportPersistAcrossCommands() throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("state-ws/sub")).getParent();
        String session = api.createSession(workspace, "e2e");

        CliRun.Result cd = cli.run("exec", session, "--", "cd", "sub");
        CliRun.Result pwd = cli.run("exec", session, "--", "pwd");
        CliRun.Result realCwd = cli.run("exec", session, "--", "sh", "-c", "pwd -P");
        CliRun.Result export = cli.run("exec", session, "--", "export", "FOO=bar");
        CliRun.Result echo = cli.run("exec", session, "--", "sh", "-c", "echo $FOO");

        assertThat(cd.exit()).as(cd.toString()).isZero();
        assertThat(pwd.out()).isEqualTo("/workspace/sub\n");
        assertThat(realCwd.out()).as("the child runs in the workspace, bound at /workspace when the server may")
                .isEqualTo((ROOT ? "/workspace/sub" : workspace.toRealPath().resolve("sub").toString()) + "\n");
        assertThat(export.exit()).as(export.toString()).isZero();
        assertThat(echo.out()).isEqualTo("bar\n");
    }

    @Test
    void commandsAndTheirChildrenFindTheWorkspaceAtSlashWorkspace() throws Exception {
        Assumptions.assumeTrue(ROOT, "the server binds /workspace only when it runs as root");
        Path workspace = Files.createDirectories(dir.resolve("bound-ws"));
        Files.writeString(workspace.resolve("data.txt"), "inside\n");
        String session = api.createSession(workspace, "e2e");

        CliRun.Result nested = cli.run("exec", session, "--", "sh", "-c", "sh -c 'cat /workspace/data.txt' > /workspace/copy.txt; :");
        assertThat(nested.exit()).as(nested.toString()).isZero();
        assertThat(workspace.resolve("copy.txt")).hasContent("inside");
        assertThat(Path.of("/workspace/copy.txt")).as("the host's /workspace stays empty").doesNotExist();

        String realPaths = api.createSession(workspace, "e2e", true);
        CliRun.Result hostView = cli.run("exec", realPaths, "--", "sh", "-c", "pwd -P; test -e /workspace/data.txt || echo unbound");
        assertThat(hostView.out()).as("real paths: no bind").isEqualTo(workspace.toRealPath() + "\nunbound\n");
    }

    @Test
    void streamedExecShowsWhatAgentshAnswersItselfAsWellAsCommandOutput() {
        String session = api.createSession(server.workspace(), "e2e");

        CliRun.Result builtin = cli.run("exec", "--stream", session, "--", "pwd");
        CliRun.Result badCwd = cli.run("exec", "--stream", session, "--json", "{\"command\":\"true\",\"working_dir\":\"/workspace/absent\"}");
        CliRun.Result program = cli.run("exec", "--stream", session, "--", "sh", "-c", "echo out; echo err >&2; exit 4");

        assertThat(builtin.out()).as(builtin.toString()).isEqualTo("/workspace\n");
        assertThat(badCwd.exit()).isEqualTo(2);
        assertThat(badCwd.err()).contains("working_dir does not exist: /workspace/absent");
        assertThat(program.out()).isEqualTo("out\n");
        assertThat(program.err()).isEqualTo("err\n");
        assertThat(program.exit()).isEqualTo(4);
    }

    @Test
    void cdOutOfTheWorkspaceFailsClearly() {
        String session = api.createSession(server.workspace(), "e2e");

        CliRun.Result cd = cli.run("exec", session, "--", "cd", "/etc");
        CliRun.Result pwd = cli.run("exec", session, "--", "pwd");

        assertThat(cd.exit()).as(cd.toString()).isEqualTo(1);
        assertThat(cd.err()).contains("cd: path must be under /workspace");
        assertThat(pwd.out()).isEqualTo("/workspace\n");
    }

    @Test
    void invalidJsonIs400WithAnErrorObject() {
        String session = api.createSession(server.workspace(), "e2e");

        Api.Reply create = api.post("/api/v1/sessions", "{\"workspace\": ");
        Api.Reply exec = api.post("/api/v1/sessions/" + session + "/exec", "not json");

        for (Api.Reply r : new Api.Reply[] {create, exec}) {
            assertThat(r.status()).as(r.toString()).isEqualTo(400);
            assertThat(r.contentType()).startsWith("application/json");
            assertThat(r.json().path("error").asText()).startsWith("invalid json");
        }
    }

    @Test
    void anUnknownSessionIs404() {
        Api.Reply get = api.get("/api/v1/sessions/no-such-session");
        Api.Reply exec = api.exec("no-such-session", "true");

        assertThat(get.status()).as(get.toString()).isEqualTo(404);
        assertThat(get.json().path("error").asText()).isEqualTo("session not found");
        assertThat(exec.status()).as(exec.toString()).isEqualTo(404);
        assertThat(exec.json().path("error").asText()).isEqualTo("session not found");
    }

    @Test
    void aMissingWorkspaceIs400AndNamed() {
        Api.Reply r = api.post("/api/v1/sessions", Map.of("workspace", "/nonexistent-e2e/ws"));

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).contains("/nonexistent-e2e/ws");
    }

    @Test
    void aPolicyThatFailsToLoadFailsTheSessionWithTheLoadersPosition() {
        Api.Reply r = api.post("/api/v1/sessions", Map.of("workspace", server.workspace().toString(), "policy", "broken"));

        assertThat(r.status()).as(r.toString()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).contains("broken.yaml:5:5").contains("decisoin");
    }

    @Test
    void theCliSaysClearlyWhenTheWorkspaceDoesNotExist() {
        CliRun.Result r = cli.run("session", "create", "--workspace", "/nonexistent-e2e");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("/nonexistent-e2e").contains("does not exist").doesNotContain("Exception", "\tat ");
    }
}
