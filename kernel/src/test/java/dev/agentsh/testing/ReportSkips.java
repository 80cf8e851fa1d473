package dev.agentsh.testing;

import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints every skipped test with its reason, so that a missing kernel feature or tool never passes silently.
 * Applies to every test of every module: it is registered through JUnit's extension auto-detection (a service
 * file beside it, shipped in this module's test jar, and {@code junit.jupiter.extensions.autodetection.enabled}
 * set for surefire in the parent pom).
 */
public final class ReportSkips implements TestWatcher {
    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        report(context, cause == null ? "no reason given" : cause.getMessage());
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        report(context, reason.orElse("disabled"));
    }

    private static void report(ExtensionContext context, String reason) {
        System.err.println("SKIPPED: " + context.getRequiredTestClass().getSimpleName() + "."
                + context.getDisplayName() + ": " + reason);
    }
}
