package dev.agentsh.policy.match;

import java.net.InetAddress;

/** Recognises IP address literals without ever asking DNS. */
public final class IpLiterals {
    private IpLiterals() {
    }

    /** The address bytes (4 or 16) of an IPv4 or IPv6 literal (brackets and a zone allowed), or null. */
    public static byte[] parse(String text) {
        String s = text.strip();
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.isEmpty() || !(s.indexOf(':') >= 0 || isDottedQuad(s))) {
            return null;
        }
        try {
            // ofLiteral never resolves names: it only parses.
            return InetAddress.ofLiteral(s).getAddress();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public static boolean isIp(String text) {
        return parse(text) != null;
    }

    /** Four decimal parts of 0-255; checked by hand because this runs for every host name. */
    private static boolean isDottedQuad(String s) {
        int parts = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.') {
                if (digits == 0 || value > 255) {
                    return false;
                }
                parts++;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9' && digits < 3) {
                value = value * 10 + (c - '0');
                digits++;
            } else {
                return false;
            }
        }
        return parts == 4;
    }
}
