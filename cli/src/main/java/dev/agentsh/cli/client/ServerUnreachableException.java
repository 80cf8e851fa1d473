package dev.agentsh.cli.client;

/** Nothing accepted the connection: the one failure after which {@code exec} may start a server. */
public final class ServerUnreachableException extends ClientException {
    ServerUnreachableException(String server, String detail) {
        super("cannot reach the agentsh server at " + server + " (" + detail + "). Start it with: agentsh server [--config FILE]");
    }
}
