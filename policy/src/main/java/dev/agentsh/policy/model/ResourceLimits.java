package dev.agentsh.policy.model;

import java.time.Duration;

/** Limits for a session's commands; 0 or null means not set. */
public record ResourceLimits(
        int maxMemoryMb,
        int memorySwapMaxMb,
        int cpuQuotaPercent,
        long diskReadBpsMax,
        long diskWriteBpsMax,
        int netBandwidthMbps,
        int pidsMax,
        Duration commandTimeout,
        Duration sessionTimeout,
        Duration idleTimeout) {
    public static final ResourceLimits NONE = new ResourceLimits(0, 0, 0, 0, 0, 0, 0, null, null, null);
}
