package dev.agentsh.server.approvals;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Holds operations that a rule says need a human's yes, until someone answers through the API or
 * the time runs out (which is a no). Waiting happens on the caller's (virtual) thread.
 */
public final class ApprovalManager {
    /** More pending questions than this from one session is refused at once rather than queued. */
    public static final int MAX_PENDING_PER_SESSION = 10;

    /** How a wait ended. */
    public enum Outcome { APPROVED, DENIED, TIMED_OUT, REFUSED }

    /** The answer and the reason the approver gave (may be empty). */
    public record Answer(Outcome outcome, String reason, String approvalId) {
    }

    /** Told when a question is asked and answered, so both can be recorded as events. */
    public interface Listener {
        void requested(ApprovalRequest request);

        void resolved(ApprovalRequest request, Answer answer);
    }

    private record Pending(ApprovalRequest request, CompletableFuture<Answer> answer) {
    }

    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Listener listener;

    public ApprovalManager(Listener listener) {
        this.listener = listener;
    }

    /** Asks and waits up to {@code timeout} for the answer. */
    public Answer ask(String sessionId, String commandId, String kind, String target, String rule, String message,
                      Map<String, Object> fields, Duration timeout) throws InterruptedException {
        long forSession = pending.values().stream().filter(p -> p.request.sessionId().equals(sessionId)).count();
        if (forSession >= MAX_PENDING_PER_SESSION) {
            return new Answer(Outcome.REFUSED, "too many pending approvals (" + MAX_PENDING_PER_SESSION + ") for session " + sessionId, null);
        }
        Instant now = Instant.now();
        ApprovalRequest request = new ApprovalRequest("approval-" + UUID.randomUUID(), now.toString(), now.plus(timeout).toString(),
                sessionId, commandId, kind, target, rule, message, fields);
        Pending p = new Pending(request, new CompletableFuture<>());
        pending.put(request.id(), p);
        listener.requested(request);
        Answer answer;
        try {
            answer = p.answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer = new Answer(Outcome.TIMED_OUT, "approval timed out after " + timeout.toSeconds() + "s", request.id());
        } catch (ExecutionException e) {
            answer = new Answer(Outcome.DENIED, "approval failed: " + e.getCause().getMessage(), request.id());
        } finally {
            pending.remove(request.id());
        }
        listener.resolved(request, answer);
        return answer;
    }

    public List<ApprovalRequest> list() {
        return pending.values().stream().map(Pending::request).sorted(Comparator.comparing(ApprovalRequest::createdAt)).toList();
    }

    /** Answers a pending question; false when there is no such question (answered, timed out, or never asked). */
    public boolean resolve(String id, boolean approve, String reason) {
        Pending p = pending.get(id);
        if (p == null) {
            return false;
        }
        return p.answer.complete(new Answer(approve ? Outcome.APPROVED : Outcome.DENIED, reason == null ? "" : reason, id));
    }
}
