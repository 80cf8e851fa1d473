package dev.agentsh.bench;

/** A synthetic 200-rule policy shaped like real ones: mostly literals, some globs, args patterns and CIDRs. */
final class GeneratedPolicy {
    private GeneratedPolicy() {
    }

    static String yaml() {
        StringBuilder y = new StringBuilder("version: 1\nname: bench-200\ncommand_rules:\n");
        y.append("  - {name: block-rm-rf, commands: [rm], args_patterns: [\"*-rf*\", \"*-fr*\"], decision: deny}\n");
        y.append("  - {name: shells, commands: [sh, bash, dash], decision: allow}\n");
        for (int i = 0; i < 60; i++) {
            if (i % 10 == 5) {
                y.append("  - {name: tool").append(i).append("-danger, commands: [tool").append(i)
                        .append("], args_patterns: [\"*-rf*\"], decision: deny}\n");
            } else {
                y.append("  - {name: tool").append(i).append(", commands: [tool").append(i).append("], decision: allow}\n");
            }
        }
        y.append("  - {name: git, commands: [git], decision: allow, context: [direct]}\n");
        y.append("  - {name: make, commands: [make, cmake], decision: allow}\n");
        y.append("  - {name: env, commands: [env, nice, timeout], decision: allow}\n");
        y.append("  - {name: local-tools, commands: [\"/usr/local/bin/*\"], decision: approve}\n");
        y.append("  - {name: python, commands: [\"python3*\"], decision: allow}\n");
        y.append("  - {name: compilers, commands: [gcc, cc, clang], decision: allow, context: {min_depth: 1, max_depth: 3}}\n");
        y.append("  - {name: net-tools, commands: [curl, wget, nc], decision: approve, context: [nested]}\n");
        y.append("  - {name: sudo, commands: [sudo, su, doas], decision: deny}\n");
        y.append("file_rules:\n");
        y.append("  - {name: ssh, paths: [\"${HOME}/.ssh/**\"], decision: deny}\n");
        y.append("  - {name: shadow, paths: [/etc/shadow, /etc/gshadow], decision: deny}\n");
        y.append("  - {name: workspace, paths: [\"${PROJECT_ROOT}\", \"${PROJECT_ROOT}/**\"], decision: allow}\n");
        for (int i = 0; i < 62; i++) {
            y.append("  - {name: data").append(i).append(", paths: [\"/var/data/dir").append(i)
                    .append("/**\"], operations: [open, write, create], decision: allow}\n");
        }
        y.append("  - {name: system-read, paths: [/usr, \"/usr/**\", /lib, \"/lib/**\"], operations: [open, stat, read, readlink, access, list], decision: allow}\n");
        y.append("  - {name: env-files, paths: [\"**/.env\", \"**/.env.*\"], decision: approve}\n");
        y.append("  - {name: proc, paths: [\"/proc/*/environ\", \"/proc/*/mem\"], decision: deny}\n");
        y.append("  - {name: tmp, paths: [/tmp, \"/tmp/**\"], decision: allow}\n");
        y.append("  - {name: default-deny-files, paths: [\"**\"], operations: [write, create, delete], decision: deny}\n");
        y.append("network_rules:\n");
        y.append("  - {name: localhost, cidrs: [127.0.0.0/8, \"::1/128\"], decision: allow}\n");
        y.append("  - {name: metadata, cidrs: [169.254.169.254/32], decision: deny}\n");
        for (int i = 0; i < 54; i++) {
            y.append("  - {name: domain").append(i).append(", domains: [\"*.domain").append(i).append(".com\", \"registry.domain")
                    .append(i).append(".org\"], ports: [443], decision: allow}\n");
        }
        y.append("  - {name: github, domains: [github.com, \"*.github.com\"], ports: [22, 443], decision: allow}\n");
        y.append("  - {name: private, cidrs: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16], decision: deny}\n");
        y.append("  - {name: unknown-https, ports: [443], decision: approve}\n");
        y.append("  - {name: default-deny-network, domains: [\"*\"], decision: deny}\n");
        return y.toString();
    }
}
