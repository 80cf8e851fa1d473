package dev.agentsh.server.config;

import dev.agentsh.policy.PolicyException;

/**
 * A server configuration that cannot be used. The message is one line:
 * {@code file:line:column: key: problem and what was expected}; problems that come from the
 * environment name the variable instead of a file position.
 */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        // Values quoted from the environment may hold line breaks; the message stays one line.
        super(message.replace("\n", "\\n").replace("\r", "\\r"));
    }

    /** Keeps the YAML reader's message as is: it already has the {@code file:line:column: key:} form. */
    ConfigException(PolicyException cause) {
        super(cause.getMessage(), cause);
    }
}
