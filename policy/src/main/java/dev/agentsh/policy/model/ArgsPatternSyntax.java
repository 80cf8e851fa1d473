package dev.agentsh.policy.model;

/** How {@code args_patterns} are read: globs (ours, with {@code re:} for a regex) or all RE2 regexes (the original's). */
public enum ArgsPatternSyntax { GLOB, REGEX }
