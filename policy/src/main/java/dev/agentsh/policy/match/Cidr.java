package dev.agentsh.policy.match;

/** An address block such as {@code 10.0.0.0/8} or {@code fc00::/7}. */
public final class Cidr {
    private final String text;
    private final byte[] network;
    private final int prefixLength;

    private Cidr(String text, byte[] network, int prefixLength) {
        this.text = text;
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /** Parses {@code address/length}; a bare address is a block of one. Null when malformed. */
    public static Cidr parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        byte[] address = IpLiterals.parse(slash < 0 ? s : s.substring(0, slash));
        if (address == null) {
            return null;
        }
        int length = address.length * 8;
        if (slash >= 0) {
            try {
                length = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            if (length < 0 || length > address.length * 8) {
                return null;
            }
        }
        return new Cidr(s, address, length);
    }

    public boolean contains(byte[] address) {
        byte[] candidate = address;
        if (candidate.length != network.length) {
            candidate = ipv4Mapped(address);
            if (candidate == null || candidate.length != network.length) {
                return false;
            }
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (candidate[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (candidate[full] & mask) == (network[full] & mask);
    }

    /** ::ffff:a.b.c.d is the IPv4 address a.b.c.d, and a v4 rule must see it as such. */
    private static byte[] ipv4Mapped(byte[] address) {
        if (address.length != 16) {
            return null;
        }
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return null;
            }
        }
        if (address[10] != (byte) 0xFF || address[11] != (byte) 0xFF) {
            return null;
        }
        return new byte[] {address[12], address[13], address[14], address[15]};
    }

    @Override
    public String toString() {
        return text;
    }
}
