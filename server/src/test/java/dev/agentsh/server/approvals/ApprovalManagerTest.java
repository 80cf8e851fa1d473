package dev.agentsh.server.approvals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ApprovalManagerTest {
    private final List<String> seen = new ArrayList<>();
    private final ApprovalManager approvals = new ApprovalManager(new ApprovalManager.Listener() {
        @Override
        public synchronized void requested(ApprovalRequest request) {
            seen.add("requested " + request.target());
        }

        @Override
        public synchronized void resolved(ApprovalRequest request, ApprovalManager.Answer answer) {
            seen.add("resolved " + request.target() + " " + answer.outcome());
        }
    });

    private CompletableFuture<ApprovalManager.Answer> ask(String session, String target, Duration timeout) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return approvals.ask(session, "cmd-1", "command", target, "rule", "message", Map.of(), timeout);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private ApprovalRequest pending() throws InterruptedException {
        for (int i = 0; i < 200 && approvals.list().isEmpty(); i++) {
            Thread.sleep(10);
        }
        return approvals.list().getFirst();
    }

    @Test
    void anApproverAllowsOrDenies() throws Exception {
        var allowed = ask("s", "curl x", Duration.ofSeconds(10));
        assertThat(approvals.resolve(pending().id(), true, "ok")).isTrue();
        assertThat(allowed.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(ApprovalManager.Outcome.APPROVED);

        var denied = ask("s", "wget y", Duration.ofSeconds(10));
        assertThat(approvals.resolve(pending().id(), false, "no")).isTrue();
        ApprovalManager.Answer answer = denied.get(5, TimeUnit.SECONDS);
        assertThat(answer.outcome()).isEqualTo(ApprovalManager.Outcome.DENIED);
        assertThat(answer.reason()).isEqualTo("no");
        assertThat(approvals.list()).isEmpty();
        assertThat(seen).containsExactly("requested curl x", "resolved curl x APPROVED", "requested wget y", "resolved wget y DENIED");
    }

    @Test
    void nobodyAnsweringIsADenyAfterTheTimeout() throws Exception {
        long start = System.nanoTime();
        ApprovalManager.Answer answer = ask("s", "curl x", Duration.ofMillis(200)).get(5, TimeUnit.SECONDS);
        assertThat(answer.outcome()).isEqualTo(ApprovalManager.Outcome.TIMED_OUT);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(approvals.resolve(answer.approvalId(), true, "")).as("a timed-out request cannot be approved later").isFalse();
    }

    @Test
    void tooManyPendingForOneSessionIsRefusedAtOnce() throws Exception {
        List<CompletableFuture<ApprovalManager.Answer>> waiting = new ArrayList<>();
        for (int i = 0; i < ApprovalManager.MAX_PENDING_PER_SESSION; i++) {
            waiting.add(ask("busy", "c" + i, Duration.ofSeconds(10)));
        }
        for (int i = 0; i < 200 && approvals.list().size() < ApprovalManager.MAX_PENDING_PER_SESSION; i++) {
            Thread.sleep(10);
        }
        assertThat(ask("busy", "one more", Duration.ofSeconds(10)).get(5, TimeUnit.SECONDS).outcome())
                .isEqualTo(ApprovalManager.Outcome.REFUSED);
        assertThat(ask("other", "x", Duration.ofMillis(50)).get(5, TimeUnit.SECONDS).outcome())
                .as("other sessions are not affected").isEqualTo(ApprovalManager.Outcome.TIMED_OUT);
        approvals.list().forEach(r -> approvals.resolve(r.id(), false, ""));
        for (var w : waiting) {
            assertThat(w.get(5, TimeUnit.SECONDS).outcome()).isEqualTo(ApprovalManager.Outcome.DENIED);
        }
    }

    @Test
    void unknownIdsAreReported() {
        assertThat(approvals.resolve("approval-nope", true, "")).isFalse();
    }
}
