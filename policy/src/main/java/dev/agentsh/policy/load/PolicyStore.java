package dev.agentsh.policy.load;

import dev.agentsh.policy.PolicyException;
import dev.agentsh.policy.model.Mark;
import dev.agentsh.policy.model.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds policies by name: {@code <dir>/<name>.yaml}, {@code .yml} or the bare name, else the
 * policy of that name built into agentsh. With a manifest, a file's SHA-256 must be listed there.
 *
 * @param dir the policies directory (may be null: built-ins only)
 * @param manifest a sha256sum-format file (may be null: no integrity check)
 */
public record PolicyStore(Path dir, Path manifest) {
    public static final List<String> BUILTIN = List.of("default", "dev-safe", "ci-strict", "agent-default",
            "agent-strict", "agent-sandbox", "agent-observe", "system-readonly", "signal-strict");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final String BUILTIN_RESOURCES = "/dev/agentsh/policy/builtin/";

    /** A policy's text and where it came from. */
    public record Source(String name, String location, String text) {
        public Policy load() throws PolicyException {
            return PolicyLoader.load(location, text);
        }
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * The policy selected by {@code AGENTSH_POLICY_NAME}: that name when it is valid and in
     * {@code allowed} (or, with no allowed list, when it is the default); otherwise the default.
     */
    public static String select(String requested, String defaultName, List<String> allowed) {
        if (!isValidName(requested)) {
            return defaultName;
        }
        boolean permitted = allowed.isEmpty() ? requested.equals(defaultName) : allowed.contains(requested);
        return permitted ? requested : defaultName;
    }

    /** A name, or a path to a policy file (anything with a '/' or ending in .yaml/.yml). */
    public Source find(String nameOrFile) throws PolicyException {
        if (nameOrFile.contains("/") || nameOrFile.endsWith(".yaml") || nameOrFile.endsWith(".yml")) {
            return read(Path.of(nameOrFile), nameOrFile);
        }
        return byName(nameOrFile);
    }

    public Source byName(String name) throws PolicyException {
        if (!isValidName(name)) {
            throw new PolicyException(new Mark(name, 0, 0), "", "invalid policy name; names use letters, digits, '_' and '-'");
        }
        if (dir != null) {
            for (String candidate : List.of(name + ".yaml", name + ".yml", name)) {
                Path file = dir.resolve(candidate);
                if (Files.isRegularFile(file)) {
                    return read(file, name);
                }
            }
        }
        Optional<String> builtin = builtinText(name);
        if (builtin.isPresent()) {
            return new Source(name, "builtin:" + name, builtin.get());
        }
        String where = dir == null ? "the built-in policies" : dir + " or the built-in policies";
        throw new PolicyException(new Mark(name, 0, 0), "", "policy \"" + name + "\" not found in " + where
                + "; available: " + String.join(", ", names()));
    }

    /** The names available: files in the directory, then built-ins not shadowed by them. */
    public List<String> names() {
        TreeSet<String> out = new TreeSet<>(BUILTIN);
        if (dir != null && Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                        .filter(f -> f.endsWith(".yaml") || f.endsWith(".yml"))
                        .map(f -> f.substring(0, f.lastIndexOf('.')))
                        .filter(PolicyStore::isValidName)
                        .forEach(out::add);
            } catch (IOException e) {
                // An unreadable directory lists nothing extra; finding a policy in it will report the error.
            }
        }
        return List.copyOf(out);
    }

    public static Optional<String> builtinText(String name) {
        if (!isValidName(name)) {
            return Optional.empty();
        }
        try (InputStream in = PolicyStore.class.getResourceAsStream(BUILTIN_RESOURCES + name + ".yaml")) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private Source read(Path file, String name) throws PolicyException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new PolicyException(new Mark(file.toString(), 0, 0), "", "no such file");
        } catch (IOException e) {
            throw new PolicyException(new Mark(file.toString(), 0, 0), "", "cannot read: " + e.getMessage());
        }
        if (manifest != null) {
            verifyManifest(file, bytes);
        }
        return new Source(name, file.toString(), new String(bytes, StandardCharsets.UTF_8));
    }

    private void verifyManifest(Path file, byte[] bytes) throws PolicyException {
        String base = file.getFileName().toString();
        List<String> lines;
        try {
            lines = Files.readAllLines(manifest);
        } catch (IOException e) {
            throw new PolicyException(new Mark(manifest.toString(), 0, 0), "", "cannot read policy manifest: " + e.getMessage());
        }
        for (String line : lines) {
            String[] fields = line.strip().split("\\s+");
            if (fields.length >= 2 && fields[1].replaceFirst("^\\*", "").equals(base)) {
                String actual = sha256(bytes);
                if (!fields[0].equalsIgnoreCase(actual)) {
                    throw new PolicyException(new Mark(file.toString(), 0, 0), "", "policy hash mismatch: " + base
                            + " has sha256 " + actual + " but manifest " + manifest + " lists " + fields[0]);
                }
                return;
            }
        }
        throw new PolicyException(new Mark(file.toString(), 0, 0), "", "policy not listed in manifest " + manifest + ": " + base);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
