package dev.agentsh.policy.model;

import java.util.List;
import java.util.Map;

/** A parsed and validated policy document. Patterns are still text; the engine compiles them. */
public record Policy(
        Mark mark,
        int version,
        String name,
        String description,
        List<FileRule> fileRules,
        List<NetworkRule> networkRules,
        List<CommandRule> commandRules,
        List<UnixSocketRule> unixSocketRules,
        List<SignalRule> signalRules,
        EnvPolicy envPolicy,
        Map<String, String> envInject,
        TransparentCommands transparentCommands,
        ResourceLimits resourceLimits,
        AuditSettings audit,
        List<DnsRedirect> dnsRedirects,
        List<ConnectRedirect> connectRedirects,
        ArgsPatternSyntax argsPatternSyntax) {
}
