package dev.agentsh.kernel.detect;

/**
 * Advice about one missing or unused capability.
 *
 * @param status {@code unavailable} (the host lacks it), {@code not run} (nobody checked) or
 *               {@code not enforced} (the host has it, this agentsh does not use it)
 */
public record Tip(String feature, String status, String impact, String action) {
}
