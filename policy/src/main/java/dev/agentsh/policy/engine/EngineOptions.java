package dev.agentsh.policy.engine;

import java.util.function.Function;

/**
 * How a policy is compiled and evaluated.
 *
 * @param variables values for {@code ${NAME}} (null or empty = unset)
 * @param executables the file system view used to canonicalize programs and resolve rule names
 * @param approvalsEnforced true: approve holds for a human; false: approve is a recorded "shadow allow"
 * @param shellc how the pre-check treats {@code sh -c} scripts it cannot analyse
 */
public record EngineOptions(
        Function<String, String> variables,
        ExecutableResolver executables,
        boolean approvalsEnforced,
        ShellcOptions shellc) {

    /** What to do with an opaque shell script at pre-check. */
    public enum OpaqueMode {
        /** Deny when the policy has restrictive command rules and no execve interception backs the pre-check. */
        ENFORCE,
        ALLOW,
        DENY
    }

    /** @param execveEnforced true when every execve is checked in the kernel, so the pre-check need not guess */
    public record ShellcOptions(OpaqueMode opaque, boolean execveEnforced) {
        public static final ShellcOptions DEFAULT = new ShellcOptions(OpaqueMode.ENFORCE, false);
    }

    public static EngineOptions defaults() {
        return new EngineOptions(name -> null, ExecutableResolver.LITERAL, false, ShellcOptions.DEFAULT);
    }

    public EngineOptions withVariables(Function<String, String> v) {
        return new EngineOptions(v, executables, approvalsEnforced, shellc);
    }

    public EngineOptions withExecutables(ExecutableResolver e) {
        return new EngineOptions(variables, e, approvalsEnforced, shellc);
    }

    public EngineOptions withApprovals(boolean enforced) {
        return new EngineOptions(variables, executables, enforced, shellc);
    }
}
