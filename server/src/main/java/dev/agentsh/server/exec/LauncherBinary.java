package dev.agentsh.server.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * Puts the {@code agentsh-launch} executable, shipped inside the jar, where it can be exec'd.
 *
 * <p>Every session command runs through this file, so nobody but the server's user may be able to replace it: it
 * lives in a directory of that user's own with mode 0700 (never in the data directory, which may sit inside a
 * workspace an agent can write). The file is named by its content hash and checked against the shipped bytes each
 * time the server starts.
 */
public final class LauncherBinary {
    static final String RESOURCE = "/dev/agentsh/native/agentsh-launch";
    private static final Set<PosixFilePermission> PRIVATE_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> EXECUTABLE = PosixFilePermissions.fromString("r-x------");

    private LauncherBinary() {
    }

    /** The launcher, installed under {@link #defaultDirectory()}. */
    public static Path install() throws IOException {
        return install(defaultDirectory());
    }

    /**
     * Installs the launcher in {@code dir} (created with mode 0700 if missing) and returns its path.
     *
     * @throws IOException if the jar lacks the launcher, or {@code dir} is not a private directory of this user
     */
    public static Path install(Path dir) throws IOException {
        byte[] shipped;
        try (InputStream in = LauncherBinary.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException("the agentsh-launch executable is missing from the build (resource " + RESOURCE
                        + "); rebuild with `mvn package`, which compiles native/ with gcc");
            }
            shipped = in.readAllBytes();
        }
        ensurePrivateDirectory(dir);
        Path target = dir.resolve("agentsh-launch-" + sha256(shipped).substring(0, 16));
        if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)
                && MessageDigest.isEqual(Files.readAllBytes(target), shipped)) {
            return target;
        }
        Path temporary = Files.createTempFile(dir, ".agentsh-launch-", ".tmp");
        try {
            Files.write(temporary, shipped);
            Files.setPosixFilePermissions(temporary, EXECUTABLE);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
        return target;
    }

    /** {@code /run/agentsh} for root; otherwise {@code $XDG_RUNTIME_DIR/agentsh}, else a per-user temp directory. */
    static Path defaultDirectory() {
        String user = System.getProperty("user.name");
        if ("root".equals(user) && Files.isDirectory(Path.of("/run"))) {
            return Path.of("/run/agentsh");
        }
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        if (runtime != null && !runtime.isBlank()) {
            return Path.of(runtime, "agentsh");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "agentsh-" + user);
    }

    private static void ensurePrivateDirectory(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // Another server started at the same moment; the checks below apply to its directory too.
            }
        }
        PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isDirectory()) {
            throw new IOException(dir + " must be a directory (not a symlink) for the agentsh-launch executable");
        }
        if (!attributes.owner().getName().equals(System.getProperty("user.name"))) {
            throw new IOException(dir + " belongs to " + attributes.owner().getName()
                    + ", not to the server's user; remove it or point XDG_RUNTIME_DIR elsewhere");
        }
        if (!attributes.permissions().equals(PRIVATE_DIR)) {
            Files.setPosixFilePermissions(dir, PRIVATE_DIR);
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
