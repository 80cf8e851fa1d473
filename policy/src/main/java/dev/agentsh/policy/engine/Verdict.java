package dev.agentsh.policy.engine;

import dev.agentsh.policy.Decision;
import java.util.List;

/**
 * The answer to "may this operation happen?".
 *
 * @param decision what will happen (approve is an allow when approvals are off)
 * @param policyDecision what the matched rule says
 * @param rule the matched rule's name, or a fallback name such as {@code default-deny-commands}
 * @param reason the rule's rendered message, or a sentence saying why
 * @param redirect set for redirect decisions
 * @param unwrappedFrom for commands found inside wrappers: the outermost wrapper's path
 * @param payloadCommand for commands found inside wrappers: the payload's name
 * @param depth for command checks: the execution depth evaluated
 * @param trace the steps, when a recording trace was given
 */
public record Verdict(
        Decision decision,
        Decision policyDecision,
        String rule,
        String reason,
        Redirect redirect,
        String unwrappedFrom,
        String payloadCommand,
        Integer depth,
        List<String> trace) {

    public boolean allowed() {
        return decision != Decision.DENY;
    }

    Verdict withTrace(Trace t) {
        return t.on() ? new Verdict(decision, policyDecision, rule, reason, redirect, unwrappedFrom, payloadCommand, depth, t.steps()) : this;
    }

    Verdict withUnwrap(String from, String payload) {
        return new Verdict(decision, policyDecision, rule, reason, redirect, from, payload, depth, trace);
    }

    Verdict withDepth(int d) {
        return new Verdict(decision, policyDecision, rule, reason, redirect, unwrappedFrom, payloadCommand, d, trace);
    }
}
