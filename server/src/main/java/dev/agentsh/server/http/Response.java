package dev.agentsh.server.http;

/** A finished answer: a status and a JSON body (null = no body). */
public record Response(int status, Object json) {
    public static Response json(int status, Object body) {
        return new Response(status, body);
    }

    public static Response ok(Object body) {
        return json(200, body);
    }

    public static Response empty(int status) {
        return new Response(status, null);
    }
}
