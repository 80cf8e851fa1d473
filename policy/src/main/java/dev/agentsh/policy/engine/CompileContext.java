package dev.agentsh.policy.engine;

import dev.agentsh.policy.model.ArgsPatternSyntax;

/** What compiling one policy needs besides the policy. */
record CompileContext(ExecutableResolver executables, Variables variables, ArgsPatternSyntax argsPatternSyntax) {
}
