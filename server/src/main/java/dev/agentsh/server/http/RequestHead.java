package dev.agentsh.server.http;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A request line and header section (RFC 9112), read within size limits. Every violation is an
 * {@link HttpError} that the connection answers and then closes on: after a malformed head the
 * connection can no longer be trusted to find where the next request starts.
 *
 * @param bodyLength the Content-Length, or {@link #CHUNKED}
 * @param headers    field values by name, names compared without case
 */
record RequestHead(String method, String path, String rawQuery, boolean http11, Map<String, List<String>> headers,
                   long bodyLength) {
    static final long CHUNKED = -1;
    static final int MAX_REQUEST_LINE = 8 * 1024;
    static final int MAX_HEADER_BYTES = 64 * 1024;
    static final int MAX_HEADERS = 100;
    /** Empty lines tolerated before a request line (some clients send a stray CRLF after a body). */
    private static final int MAX_LEADING_EMPTY_LINES = 4;

    /** The next request's head, or null when the peer closed the connection between requests. */
    static RequestHead read(WireInput in) throws IOException {
        String line;
        int empty = 0;
        do {
            line = in.readLine(MAX_REQUEST_LINE, 414, "request line longer than " + MAX_REQUEST_LINE + " bytes");
            if (line == null) {
                return null;
            }
        } while (line.isEmpty() && ++empty <= MAX_LEADING_EMPTY_LINES);
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty()) {
            throw new HttpError(400, "malformed request line");
        }
        boolean http11 = switch (parts[2]) {
            case "HTTP/1.1" -> true;
            case "HTTP/1.0" -> false;
            default -> throw parts[2].matches("HTTP/\\d\\.\\d")
                    ? new HttpError(505, "HTTP version not supported: " + parts[2])
                    : new HttpError(400, "malformed request line");
        };
        URI target;
        try {
            target = new URI(parts[1]);
        } catch (URISyntaxException e) {
            throw new HttpError(400, "malformed request target");
        }
        if (target.getRawPath() == null || !target.getRawPath().startsWith("/")) {
            throw new HttpError(400, "malformed request target");
        }
        Map<String, List<String>> headers = readFields(in);
        return new RequestHead(parts[0], target.getPath(), target.getRawQuery(), http11, headers, bodyLength(headers));
    }

    /** A header or trailer section: name-value lines up to an empty line. */
    static Map<String, List<String>> readFields(WireInput in) throws IOException {
        Map<String, List<String>> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        int bytes = 0;
        int count = 0;
        while (true) {
            String line = in.readLine(MAX_HEADER_BYTES - bytes, 431, "request header section larger than " + MAX_HEADER_BYTES + " bytes");
            if (line == null) {
                throw new HttpError(400, "connection closed inside the header section");
            }
            if (line.isEmpty()) {
                return fields;
            }
            bytes += line.length() + 2;
            if (++count > MAX_HEADERS) {
                throw new HttpError(431, "more than " + MAX_HEADERS + " header fields");
            }
            int colon = line.indexOf(':');
            // No whitespace before the colon and no obsolete line folding: both are smuggling vectors (RFC 9112 §5).
            if (colon <= 0 || !isToken(line.substring(0, colon))) {
                throw new HttpError(400, "malformed header field");
            }
            String value = line.substring(colon + 1).strip();
            if (value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
                throw new HttpError(400, "malformed header field");
            }
            fields.computeIfAbsent(line.substring(0, colon), k -> new ArrayList<>(1)).add(value);
        }
    }

    private static long bodyLength(Map<String, List<String>> headers) {
        List<String> lengths = headers.get("Content-Length");
        List<String> encodings = headers.get("Transfer-Encoding");
        if (lengths != null && encodings != null) {
            // Two framings that a proxy and this server could disagree on: the request-smuggling shape.
            throw new HttpError(400, "both Content-Length and Transfer-Encoding");
        }
        if (encodings != null) {
            if (!String.join(",", encodings).strip().equalsIgnoreCase("chunked")) {
                throw new HttpError(501, "unsupported transfer-encoding: " + String.join(", ", encodings));
            }
            return CHUNKED;
        }
        if (lengths == null) {
            return 0;
        }
        long length = -1;
        for (String field : lengths) {
            for (String v : field.split(",", -1)) {
                String s = v.strip();
                if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')
                        || (length >= 0 && Long.parseLong(s) != length)) {
                    throw new HttpError(400, "invalid Content-Length");
                }
                length = Long.parseLong(s);
            }
        }
        return length;
    }

    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar) {
                return false;
            }
        }
        return true;
    }

    /** The first value of a header, or null. */
    String header(String name) {
        List<String> values = headers.get(name);
        return values == null ? null : values.getFirst();
    }

    /** Whether a comma-separated header (Connection, Upgrade) lists {@code token}, ignoring case. */
    boolean hasToken(String name, String token) {
        for (String value : headers.getOrDefault(name, List.of())) {
            for (String t : value.split(",")) {
                if (t.strip().toLowerCase(Locale.ROOT).equals(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes unless asked to keep it. */
    boolean keepAlive() {
        return http11 ? !hasToken("Connection", "close") : hasToken("Connection", "keep-alive");
    }
}
