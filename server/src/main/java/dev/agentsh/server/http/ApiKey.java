package dev.agentsh.server.http;

/** A configured API key and the role it grants. */
public record ApiKey(String id, String key, Request.Role role) {
}
