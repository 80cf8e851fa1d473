package dev.agentsh.server.config;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A TCP listen address, {@code host:port} as Go writes it: IPv6 literals in brackets, an empty host
 * for every interface, port 0 for "any free port" (used by tests that start a real server).
 */
public record ListenAddress(String host, int port) {
    private static final Pattern HOSTNAME =
            Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    /** Parses {@code host:port}; the exception's message says what is wrong and what was expected. */
    public static ListenAddress parse(String text) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf("]:");
            if (close < 0) {
                throw bad(text);
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            try {
                Inet6Address.ofLiteral(host);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"" + host + "\" in brackets is not an IPv6 address");
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw bad(text);
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.contains(":")) {
                throw new IllegalArgumentException("\"" + text + "\": an IPv6 address goes in brackets, e.g. [::1]:18080");
            }
            if (!host.isEmpty() && !HOSTNAME.matcher(host).matches()) {
                throw new IllegalArgumentException("\"" + host + "\" is not a host name or IP address");
            }
        }
        if (!PORT.matcher(port).matches() || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("\"" + port + "\" is not a port; expected a number from 0 to 65535");
        }
        return new ListenAddress(host, Integer.parseInt(port));
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("\"" + text + "\" is not host:port, e.g. 127.0.0.1:18080");
    }

    /**
     * True for {@code localhost}, 127.0.0.0/8 and ::1. Host names other than localhost count as not
     * loopback: resolving them would make a security check depend on DNS.
     */
    public boolean isLoopback() {
        if (host.toLowerCase(Locale.ROOT).equals("localhost")) {
            return true;
        }
        try {
            return InetAddress.ofLiteral(host).isLoopbackAddress();
        } catch (IllegalArgumentException notALiteral) {
            return false;
        }
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
