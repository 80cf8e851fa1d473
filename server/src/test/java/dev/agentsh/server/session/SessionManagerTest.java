package dev.agentsh.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.agentsh.policy.engine.EngineOptions.ShellcOptions;
import dev.agentsh.policy.load.PolicyStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionManagerTest {
    @TempDir
    Path dir;
    private final List<String> ended = new ArrayList<>();

    private SessionManager manager(int max, List<String> allowed, Duration idle) {
        return new SessionManager(new SessionSettings(max, null, idle, false, new PolicyStore(dir.resolve("policies"), null), "default",
                allowed, true, List.of("go.mod", ".git"), false, ShellcOptions.DEFAULT, "/home/u", "/usr/bin:/bin"),
                new SessionManager.Listener() {
                    @Override
                    public void created(Session session) {
                    }

                    @Override
                    public void ended(Session session, String reason) {
                        ended.add(session.id() + " " + reason);
                    }
                });
    }

    private CreateSessionRequest request(String id, String workspace, String policy) {
        return new CreateSessionRequest(id, workspace, policy, null, null, null, null);
    }

    @Test
    void createsWithAResolvedWorkspaceAndDetectedProjectRoot() throws Exception {
        Path project = Files.createDirectories(dir.resolve("proj"));
        Files.writeString(project.resolve("go.mod"), "module x\n");
        Path sub = Files.createDirectories(project.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("link"), sub);
        Session s = manager(10, List.of(), null).create(request(null, dir.resolve("link").toString(), null));
        assertThat(s.id()).startsWith("session-");
        assertThat(s.workspace()).isEqualTo(sub.toRealPath());
        assertThat(s.projectRoot()).isEqualTo(project.toRealPath());
        assertThat(s.policyName()).isEqualTo("default");
        assertThat(s.cwd()).isEqualTo("/workspace");
    }

    @Test
    void badRequestsSayWhy() {
        SessionManager m = manager(1, List.of("dev-safe"), null);
        assertThatThrownBy(() -> m.create(request("bad id!", dir.toString(), null))).hasMessageContaining("invalid session id");
        assertThatThrownBy(() -> m.create(request(null, dir.resolve("nope").toString(), null)))
                .isInstanceOf(SessionException.class).hasMessage("workspace does not exist: " + dir.resolve("nope"));
        assertThatThrownBy(() -> m.create(request(null, null, null))).hasMessage("workspace is required");
        assertThatThrownBy(() -> m.create(request(null, dir.toString(), "agent-strict"))).hasMessageContaining("not in policies.allowed");
        assertThatThrownBy(() -> m.create(request(null, dir.toString(), "missing-policy"))).hasMessageContaining("not in policies.allowed");
    }

    @Test
    void aPolicyThatFailsToLoadFailsTheSessionWithTheLoadersMessage() throws Exception {
        Files.createDirectories(dir.resolve("policies"));
        Files.writeString(dir.resolve("policies/broken.yaml"), "version: 1\nname: broken\ncommand_rules:\n  - {name: a, decision: alow}\n");
        assertThatThrownBy(() -> manager(10, List.of(), null).create(request(null, dir.toString(), "broken")))
                .isInstanceOf(SessionException.class)
                .hasMessageContaining("broken.yaml:4:").hasMessageContaining("unknown decision \"alow\"");
    }

    @Test
    void idsAreUniqueAndSessionsAreLimited() throws Exception {
        SessionManager m = manager(2, List.of(), null);
        m.create(request("a", dir.toString(), null));
        assertThatThrownBy(() -> m.create(request("a", dir.toString(), null)))
                .isInstanceOfSatisfying(SessionException.class, e -> assertThat(e.status()).isEqualTo(409));
        m.create(request("b", dir.toString(), null));
        assertThatThrownBy(() -> m.create(request("c", dir.toString(), null))).hasMessageContaining("max sessions reached");
        assertThat(m.destroy("a")).isTrue();
        assertThat(m.destroy("a")).isFalse();
        assertThat(ended).containsExactly("a destroyed");
    }

    @Test
    void idleSessionsExpire() throws Exception {
        SessionManager m = manager(10, List.of(), Duration.ofMinutes(5));
        m.create(request("idle", dir.toString(), null));
        m.expire(Instant.now().plus(Duration.ofMinutes(1)));
        assertThat(m.get("idle")).isPresent();
        m.expire(Instant.now().plus(Duration.ofMinutes(6)));
        assertThat(m.get("idle")).isEmpty();
        assertThat(ended).containsExactly("idle idle_timeout");
    }

    @Test
    void virtualPathsStayInsideTheWorkspace() throws Exception {
        Session s = manager(10, List.of(), null).create(request("v", dir.toString(), null));
        Path ws = dir.toRealPath();
        assertThat(s.toReal("/workspace/a/b")).isEqualTo(ws.resolve("a/b"));
        assertThat(s.toReal("a")).isEqualTo(ws.resolve("a"));
        assertThat(s.toReal("/workspace/../etc")).isNull();
        assertThat(s.toReal("/etc/passwd")).isNull();
        assertThat(s.toVirtual("../x")).isNull();
        s.setCwd("/workspace/a");
        assertThat(s.toVirtual("../b")).isEqualTo("/workspace/b");
    }
}
