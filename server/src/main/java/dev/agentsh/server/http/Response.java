package dev.agentsh.server.http;

/** A finished answer: a status and a JSON body (null = no body), or plain text. */
public record Response(int status, Object json, String text) {
    public static Response json(int status, Object body) {
        return new Response(status, body, null);
    }

    public static Response ok(Object body) {
        return json(200, body);
    }

    public static Response text(String body) {
        return new Response(200, null, body);
    }

    public static Response empty(int status) {
        return new Response(status, null, null);
    }
}
