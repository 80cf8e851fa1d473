package dev.agentsh.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code agentsh session ...} against a fake server. */
class SessionCommandTest {
    private static final String SESSION = """
            {"id":"session-1","state":"ready","created_at":"2026-11-28T10:00:00Z","workspace":"/w","workspace_mount":"/w",
             "policy":"default","cwd":"/workspace","virtual_root":"/workspace","project_root":"/w","git_root":"/w"}""";

    @TempDir
    Path dir;
    Path real;
    Path cwd;
    FakeServer server;

    @BeforeEach
    void start() throws IOException {
        server = new FakeServer();
        real = Files.createDirectory(dir.resolve("project")).toRealPath();
        cwd = Files.createSymbolicLink(dir.resolve("here"), real);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Cli.Run run(boolean terminal, String... args) {
        Environment env = new Environment(Map.of("AGENTSH_SERVER", server.url(), "HOME", "/home/agent"), cwd, terminal,
                InputStream.nullInputStream(), OutputStream.nullOutputStream());
        return Cli.run(env, args);
    }

    @Test
    void createResolvesTheWorkspaceHereAndPrintsJsonIntoAPipe() {
        server.respond("POST", "/api/v1/sessions", 201, SESSION);
        Cli.Run r = run(false, "session", "create", "--workspace", ".");
        assertThat(r.exit()).as(r.err()).isZero();
        // what `jq -r .id` reads
        assertThat(Json.parseOrNull(r.out()).get("id").asText()).isEqualTo("session-1");
        assertThat(r.out()).startsWith("{\n  \"id\": \"session-1\",\n");
        assertThat(server.only().json()).isEqualTo(Json.parseOrNull(
                "{\"workspace\":\"" + real + "\",\"home\":\"/home/agent\"}"));
    }

    @Test
    void createOnATerminalSaysItInWords() {
        server.respond("POST", "/api/v1/sessions", 201, SESSION);
        Cli.Run r = run(true, "session", "create");
        assertThat(r.out()).isEqualTo("Session session-1 started (workspace /w, policy default)\n");
        assertThat(Json.parseOrNull(run(true, "session", "create", "--json").out()).get("id").asText()).isEqualTo("session-1");
    }

    @Test
    void createSendsPolicyAndRealPathsOnlyWhenGiven() {
        server.respond("POST", "/api/v1/sessions", 201, SESSION);
        run(false, "session", "create", "--workspace", "../project", "--policy", "my-policy", "--real-paths");
        assertThat(server.only().json()).isEqualTo(Json.parseOrNull(
                "{\"workspace\":\"" + real + "\",\"policy\":\"my-policy\",\"home\":\"/home/agent\",\"real_paths\":true}"));
    }

    @Test
    void missingWorkspaceFailsBeforeAnyRequest() {
        Cli.Run r = run(false, "session", "create", "--workspace", "nope");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("agentsh: workspace nope does not exist (" + cwd.resolve("nope") + ")\n");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void listInfoDestroy() {
        server.respond("GET", "/api/v1/sessions", 200, "[" + SESSION + "]")
                .respond("GET", "/api/v1/sessions/session-1", 200, SESSION)
                .handle("DELETE", "/api/v1/sessions/session-1", exchange -> FakeServer.send(exchange, 204, "application/json", ""));
        assertThat(Json.parseOrNull(run(false, "session", "list").out()).get(0).get("id").asText()).isEqualTo("session-1");
        assertThat(Json.parseOrNull(run(false, "session", "info", "session-1").out()).get("policy").asText()).isEqualTo("default");
        Cli.Run destroy = run(false, "session", "destroy", "session-1");
        assertThat(destroy.exit()).isZero();
        assertThat(destroy.out()).isEqualTo("ok\n");
    }

    @Test
    void infoOfAnUnknownSessionIsAnHttpError() {
        server.respond("GET", "/api/v1/sessions/nope", 404, "{\"error\":\"session not found\"}");
        Cli.Run r = run(false, "session", "info", "nope");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("agentsh: GET /api/v1/sessions/nope: 404: session not found\n");
    }

    @Test
    void updateSendsOnlyWhatChanges() {
        server.respond("PATCH", "/api/v1/sessions/session-1", 200, SESSION);
        Cli.Run r = run(false, "session", "update", "session-1", "--cwd", "/workspace/src",
                "--set-env", "A=1", "--set-env", "B=x=y", "--unset-env", "C");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(server.only().json()).isEqualTo(Json.parseOrNull(
                "{\"cwd\":\"/workspace/src\",\"env\":{\"A\":\"1\",\"B\":\"x=y\"},\"unset\":[\"C\"]}"));
        Cli.Run bad = run(false, "session", "update", "session-1", "--set-env", "NOEQUALS");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--set-env expects KEY=VALUE, got \"NOEQUALS\"");
    }

    @Test
    void aUnixSocketThatIsNotThereIsReportedAsUnreachable() {
        Path socket = cwd.resolve("no-such.sock");
        Cli.Run r = Cli.run(Cli.env(cwd, "AGENTSH_SERVER", "unix://" + socket), "session", "list");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("agentsh: cannot reach the agentsh server at unix://" + socket + " (")
                .endsWith("). Start it with: agentsh server [--config FILE]\n");
        Cli.Run relative = Cli.run(Cli.env(cwd), "session", "list", "--server", "unix://agentsh.sock");
        assertThat(relative.err()).startsWith("agentsh: --server expects unix:// and the socket's absolute path");
        Cli.Run tls = Cli.run(Cli.env(cwd), "session", "list", "--server", "https://127.0.0.1:18080");
        assertThat(tls.err()).startsWith("agentsh: --server: https is not supported;");
        Cli.Run bad = Cli.run(Cli.env(cwd), "session", "list", "--server", "127.0.0.1:18080");
        assertThat(bad.err()).isEqualTo("agentsh: --server expects a URL such as http://127.0.0.1:18080, got \"127.0.0.1:18080\"\n");
    }
}
