package dev.agentsh.policy.model;

import java.util.List;
import java.util.Map;

/** The substitute for a redirected command: {@code command args... [original args] argsAppend...}. */
public record CommandRedirect(String command, List<String> args, List<String> argsAppend, Map<String, String> environment) {
}
