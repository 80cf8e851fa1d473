/*
 * agentsh-launch: the exec boundary. The server starts every session command through this program,
 * which prepares the process in ways only code running inside it can, then execs the command in place
 * (so the command keeps this process's pid).
 *
 *   agentsh-launch [--workspace DIR] [--cwd DIR] [--tty] -- PROGRAM [ARG...]
 *
 *   (always)          setsid(): the command leads a new session and process group, so the server can
 *                     signal its whole tree through the group id, which equals the pid.
 *   --tty             stdin is a terminal: make it the controlling terminal of the new session.
 *   --workspace DIR   in a private mount namespace, bind DIR over /workspace, so the command and every
 *                     process it starts see the session's workspace there. /workspace must already exist
 *                     as a real directory (the server creates it); a symlink there is refused.
 *   --cwd DIR         change to DIR (a path as seen after the bind) before the exec.
 *
 * The environment is passed through unchanged; PROGRAM is looked up on its PATH like execvp(3). The
 * binary is linked statically so that LD_PRELOAD and friends in that environment do not reach this code.
 * Any failure is reported on stderr as "agentsh-launch: <step>: <reason>" with exit status 127, the
 * shell's status for a command that could not be run. Policy is decided by the server, never here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

#define EXIT_CANNOT_RUN 127
#define MOUNT_POINT "/workspace"

static void fail(const char *format, ...) {
    int saved = errno;
    va_list args;
    fputs("agentsh-launch: ", stderr);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fprintf(stderr, ": %s\n", strerror(saved));
    exit(EXIT_CANNOT_RUN);
}

static void usage(const char *problem) {
    fprintf(stderr, "agentsh-launch: %s\n"
            "usage: agentsh-launch [--workspace DIR] [--cwd DIR] [--tty] -- PROGRAM [ARG...]\n", problem);
    exit(EXIT_CANNOT_RUN);
}

/* Bind `source` over /workspace in a mount namespace of our own; the host's mounts are left untouched. */
static void bind_workspace(const char *source) {
    if (unshare(CLONE_NEWNS) != 0) {
        fail("unshare(CLONE_NEWNS)");
    }
    /* Without this, the bind below would propagate back into the host's (shared) mount tree. */
    if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) != 0) {
        fail("make / a slave mount");
    }
    /* mount(2) follows a symlink at the target; pin the real directory first and mount onto that. */
    int target = open(MOUNT_POINT, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
    if (target < 0) {
        fail("open %s (it must be a directory, not a symlink)", MOUNT_POINT);
    }
    char target_path[64];
    snprintf(target_path, sizeof target_path, "/proc/self/fd/%d", target);
    if (mount(source, target_path, NULL, MS_BIND | MS_REC, NULL) != 0) {
        fail("bind %s on %s", source, MOUNT_POINT);
    }
    close(target);
}

int main(int argc, char **argv) {
    const char *workspace = NULL;
    const char *cwd = NULL;
    int tty = 0;
    int i = 1;
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (strcmp(argv[i], "--workspace") == 0 && i + 1 < argc) {
            workspace = argv[++i];
        } else if (strcmp(argv[i], "--cwd") == 0 && i + 1 < argc) {
            cwd = argv[++i];
        } else if (strcmp(argv[i], "--tty") == 0) {
            tty = 1;
        } else {
            usage("unknown or incomplete option");
        }
    }
    if (i >= argc) {
        usage("no program given");
    }

    if (setsid() < 0) {
        fail("setsid");
    }
    if (tty && ioctl(STDIN_FILENO, TIOCSCTTY, 0) != 0) {
        fail("make stdin the controlling terminal");
    }
    if (workspace != NULL) {
        bind_workspace(workspace);
    }
    if (cwd != NULL && chdir(cwd) != 0) {
        fail("chdir %s", cwd);
    }
    execvp(argv[i], &argv[i]);
    fail("exec %s", argv[i]);
}
