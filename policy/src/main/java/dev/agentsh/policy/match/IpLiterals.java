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

    private static boolean isDottedQuad(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }
}
