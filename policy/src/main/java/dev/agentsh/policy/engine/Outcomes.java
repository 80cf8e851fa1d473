package dev.agentsh.policy.engine;

import dev.agentsh.policy.Decision;
import dev.agentsh.policy.model.RuleHeader;
import java.util.List;

/** Turning a matched rule or a fallback into a {@link Verdict}, and choosing the most restrictive of several. */
final class Outcomes {
    private Outcomes() {
    }

    static Decision effective(Decision policy, boolean approvalsEnforced) {
        return switch (policy) {
            case APPROVE -> approvalsEnforced ? Decision.APPROVE : Decision.ALLOW;
            case AUDIT, SOFT_DELETE -> Decision.ALLOW;
            default -> policy;
        };
    }

    static Verdict matched(RuleHeader rule, String reason, Redirect redirect, boolean approvalsEnforced) {
        Decision effective = effective(rule.decision(), approvalsEnforced);
        return new Verdict(effective, rule.decision(), rule.name(), reason, redirect, null, null, null, List.of());
    }

    static Verdict fallback(Decision decision, String rule, String reason) {
        return new Verdict(decision, decision, rule, reason, null, null, null, null, List.of());
    }

    /** A reason for a rule without a message. */
    static String defaultReason(RuleHeader rule, String subject) {
        String verb = switch (rule.decision()) {
            case ALLOW -> "allowed";
            case DENY -> "denied";
            case APPROVE -> "needs approval";
            case REDIRECT -> "redirected";
            case AUDIT -> "allowed and audited";
            case SOFT_DELETE -> "allowed as a soft delete";
            case ABSORB -> "absorbed";
        };
        return subject + " " + verb + " by rule " + rule.name();
    }

    /** The more restrictive of two verdicts: by effective decision, then by policy decision; the first wins ties. */
    static Verdict stricter(Verdict a, Verdict b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        int byEffective = Integer.compare(effectiveRank(b.decision()), effectiveRank(a.decision()));
        if (byEffective != 0) {
            return byEffective > 0 ? b : a;
        }
        return policyRank(b.policyDecision()) > policyRank(a.policyDecision()) ? b : a;
    }

    private static int effectiveRank(Decision d) {
        return switch (d) {
            case DENY -> 5;
            case REDIRECT -> 4;
            case APPROVE -> 3;
            case ABSORB -> 2;
            default -> 1;
        };
    }

    private static int policyRank(Decision d) {
        return switch (d) {
            case DENY -> 7;
            case REDIRECT -> 6;
            case APPROVE -> 5;
            case SOFT_DELETE -> 4;
            case ABSORB -> 3;
            case AUDIT -> 2;
            case ALLOW -> 1;
        };
    }
}
