/*
 * agentsh-launch: the exec boundary. The server starts every session command through this program,
 * which prepares the process in ways only code running inside it can, then execs the command in place
 * (so the command keeps this process's pid).
 *
 *   agentsh-launch [--workspace DIR] [--cwd DIR] [--tty] [--supervisor SOCKET] -- PROGRAM [ARG...]
 *
 *   (always)          setsid(): the command leads a new session and process group, so the server can
 *                     signal its whole tree through the group id, which equals the pid.
 *   --tty             stdin is a terminal: make it the controlling terminal of the new session.
 *   --workspace DIR   in a private mount namespace, bind DIR over /workspace, so the command and every
 *                     process it starts see the session's workspace there. /workspace must already exist
 *                     as a real directory (the server creates it); a symlink there is refused.
 *   --cwd DIR         change to DIR (a path as seen after the bind) before the exec.
 *   --supervisor SOCKET
 *                     connect to the server's SOCK_SEQPACKET socket, receive one message holding a seccomp
 *                     program (struct sock_filter[]), set no_new_privs, load the program with a user-notify
 *                     listener, send the listener back (SCM_RIGHTS), and wait for the server's one-byte 'G'
 *                     before the exec. The server identifies this process by SO_PEERCRED. Everything that
 *                     touches the file system (the PATH search included) happens before the load, because
 *                     the program may stop such calls until the server answers.
 *
 * Redirect mode: when the server redirects an exec of a supervised process, it injects a memfd named
 * "agentsh-redirect" (argc, then argv, then NAME=VALUE entries, each NUL-terminated) and makes the process
 * exec this launcher instead. Finding that memfd among its descriptors, the launcher adds the variables and
 * execs the substitute in place, with the process's stdio; that exec is judged by the supervisor like any
 * other, so this mode grants nothing.
 *
 * The environment is passed through unchanged; PROGRAM is looked up on its PATH like execvp(3). The
 * binary is linked statically so that LD_PRELOAD and friends in that environment do not reach this code.
 * Any failure is reported on stderr as "agentsh-launch: <step>: <reason>" with exit status 127, the
 * shell's status for a command that could not be run (126 when the exec itself was refused). Policy is
 * decided by the server, never here.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <dirent.h>
#include <unistd.h>

#define EXIT_CANNOT_RUN 127
#define MOUNT_POINT "/workspace"
#define REDIRECT_SPEC "/memfd:agentsh-redirect (deleted)"
#define MAX_SPEC_BYTES (1 << 20)
/* BPF_MAXINSNS instructions of 8 bytes each. */
#define MAX_PROGRAM_BYTES (4096 * 8)
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

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

/* An exec that failed: exit as a shell would, 127 for a program that is not there, 126 for one that may not run
 * (a refusal by the supervisor arrives as EACCES). */
static void fail_exec(const char *program) {
    int saved = errno;
    fprintf(stderr, "agentsh-launch: exec %s: %s\n", program, strerror(saved));
    exit(saved == ENOENT || saved == ENOTDIR ? EXIT_CANNOT_RUN : EXIT_CANNOT_RUN - 1);
}

static void usage(const char *problem) {
    fprintf(stderr, "agentsh-launch: %s\n"
            "usage: agentsh-launch [--workspace DIR] [--cwd DIR] [--tty] [--supervisor SOCKET] -- PROGRAM [ARG...]\n", problem);
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

/* execvp(3)'s search, done up front: after the seccomp load every exec attempt would go to the supervisor. */
static const char *resolve_program(const char *program, char *buffer, size_t size) {
    if (strchr(program, '/') != NULL) {
        return program;
    }
    const char *path = getenv("PATH");
    if (path == NULL) {
        path = "/bin:/usr/bin";
    }
    for (const char *start = path;; ) {
        const char *end = strchrnul(start, ':');
        size_t length = (size_t) (end - start);
        /* An empty PATH entry means the current directory. */
        int written = length == 0 ? snprintf(buffer, size, "%s", program)
                                  : snprintf(buffer, size, "%.*s/%s", (int) length, start, program);
        struct stat info;
        if (written > 0 && (size_t) written < size && stat(buffer, &info) == 0 && S_ISREG(info.st_mode)
                && access(buffer, X_OK) == 0) {
            return buffer;
        }
        if (*end == '\0') {
            break;
        }
        start = end + 1;
    }
    errno = ENOENT;
    fail("exec %s", program);
    return NULL;
}

static void send_descriptor(int socket_fd, int fd) {
    char byte = 'L';
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        char buffer[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct msghdr message = {.msg_iov = &iov, .msg_iovlen = 1,
                             .msg_control = control.buffer, .msg_controllen = sizeof control.buffer};
    struct cmsghdr *header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(header), &fd, sizeof(int));
    if (sendmsg(socket_fd, &message, MSG_NOSIGNAL) != 1) {
        fail("send the seccomp listener to the supervisor");
    }
}

/* Loads the server's program with a listener, hands the listener over and waits for the go-ahead. */
static void enter_supervision(const char *socket_path) {
    int sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (sock < 0) {
        fail("socket");
    }
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (strlen(socket_path) >= sizeof address.sun_path) {
        errno = ENAMETOOLONG;
        fail("supervisor socket %s", socket_path);
    }
    strcpy(address.sun_path, socket_path);
    if (connect(sock, (struct sockaddr *) &address, sizeof address) != 0) {
        fail("connect to the supervisor at %s", socket_path);
    }
    static struct sock_filter program[MAX_PROGRAM_BYTES / sizeof(struct sock_filter)];
    ssize_t length;
    do {
        length = recv(sock, program, sizeof program, 0);
    } while (length < 0 && errno == EINTR);
    if (length <= 0 || length % sizeof(struct sock_filter) != 0) {
        errno = length < 0 ? errno : EPROTO;
        fail("receive the seccomp program");
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        fail("set no_new_privs");
    }
    struct sock_fprog filter = {.len = (unsigned short) (length / sizeof(struct sock_filter)), .filter = program};
    /* WAIT_KILLABLE_RECV: once the supervisor has the call, only a fatal signal ends the wait, so a signal
     * storm cannot restart the same execve forever. Kernels before 5.19 lack it. */
    long listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
                            SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, &filter);
    if (listener < 0 && errno == EINVAL) {
        listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &filter);
    }
    if (listener < 0) {
        fail("load the seccomp program");
    }
    send_descriptor(sock, (int) listener);
    close((int) listener);
    char go = 0;
    ssize_t got;
    do {
        got = recv(sock, &go, 1, 0);
    } while (got < 0 && errno == EINTR);
    if (got != 1 || go != 'G') {
        errno = got < 0 ? errno : ECONNABORTED;
        fail("the supervisor did not take over");
    }
    close(sock);
}

/* The descriptor of the server's redirect spec, or -1 if this is not a redirected exec. */
static int find_redirect_spec(void) {
    DIR *fds = opendir("/proc/self/fd");
    if (fds == NULL) {
        return -1;
    }
    int found = -1;
    struct dirent *entry;
    while (found < 0 && (entry = readdir(fds)) != NULL) {
        char target[sizeof REDIRECT_SPEC + 1];
        ssize_t n = readlinkat(dirfd(fds), entry->d_name, target, sizeof target - 1);
        if (n == (ssize_t) (sizeof REDIRECT_SPEC - 1)) {
            target[n] = '\0';
            if (strcmp(target, REDIRECT_SPEC) == 0) {
                found = atoi(entry->d_name);
            }
        }
    }
    closedir(fds);
    return found;
}

static void run_redirect(int spec) {
    static char buffer[MAX_SPEC_BYTES];
    /* The server wrote the memfd, so its offset is at the end: read from the start. */
    ssize_t length = pread(spec, buffer, sizeof buffer - 1, 0);
    close(spec);
    if (length <= 0 || buffer[length - 1] != '\0') {
        errno = EPROTO;
        fail("read the redirect");
    }
    char *at = buffer;
    char *end = buffer + length;
    long count = strtol(at, NULL, 10);
    at += strlen(at) + 1;
    if (count < 1 || count > 65536) {
        errno = EPROTO;
        fail("read the redirect");
    }
    char **args = calloc((size_t) count + 1, sizeof *args);
    if (args == NULL) {
        fail("allocate the redirect");
    }
    for (long i = 0; i < count; i++) {
        if (at >= end) {
            errno = EPROTO;
            fail("read the redirect");
        }
        args[i] = at;
        at += strlen(at) + 1;
    }
    for (; at < end; at += strlen(at) + 1) {
        if (putenv(at) != 0) {
            fail("set %s", at);
        }
    }
    execvp(args[0], args);
    fail_exec(args[0]);
}

int main(int argc, char **argv) {
    int spec = find_redirect_spec();
    if (spec >= 0) {
        run_redirect(spec);
    }
    const char *workspace = NULL;
    const char *cwd = NULL;
    const char *supervisor = NULL;
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
        } else if (strcmp(argv[i], "--supervisor") == 0 && i + 1 < argc) {
            supervisor = argv[++i];
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
    if (supervisor == NULL) {
        execvp(argv[i], &argv[i]);
        fail_exec(argv[i]);
    }
    static char resolved[PATH_MAX];
    const char *program = resolve_program(argv[i], resolved, sizeof resolved);
    enter_supervision(supervisor);
    /* The exec is the first call the supervisor judges: the command itself, at depth 0. */
    execv(program, &argv[i]);
    fail_exec(argv[i]);
}
