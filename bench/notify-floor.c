/*
 * notify-floor: a minimal seccomp user-notify supervisor in C, the yardstick for agentsh's Java one. It runs
 * PROGRAM with every execve and execveat stopped for it, and answers each with "continue".
 *
 *   notify-floor answer  PROGRAM [ARGS...]   receive and answer only: one notify round trip, the floor
 *   notify-floor lookups PROGRAM [ARGS...]   first do the kernel work agentsh needs for a decision: read the path
 *                                            and the first argument from the process, resolve the path in the
 *                                            tree's root (openat2 RESOLVE_IN_ROOT, a readlink if it has symlinks),
 *                                            find the parent (pidfd_open, PIDFD_GET_INFO); after the answer, read
 *                                            the process's identity (fstat of the pidfd)
 *
 * Like agentsh it asks for SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, and like agentsh's launcher it starts PROGRAM in a
 * session of its own. Prints the CPU time it spent itself to stderr ("notify-floor: cpu_us=N") when PROGRAM's tree
 * is gone, and exits with PROGRAM's status. Used by bench/execve-bench.sh around `spawn-loop`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOTIF_SET_FLAGS SECCOMP_IOW(4, uint64_t)
#define NOTIF_FD_SYNC_WAKE_UP 1UL
#define PIDFD_THREAD 0x80
#define PIDFD_GET_INFO 0xC040FF0BUL   /* _IOWR(0xFF, 11, 64-byte struct pidfd_info) */

static void die(const char *what) {
    perror(what);
    exit(2);
}

/* Child: load the filter, hand the listener to the parent, exec the program. */
static void run_child(int sock, char **argv) {
    /* A session of its own, as agentsh's launcher gives every command: with kernel.sched_autogroup_enabled that is
     * also a scheduling group apart from the supervisor's, as for agentsh's commands. */
    if (setsid() < 0) die("notify-floor: setsid");
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_execve, 2, 0),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_execveat, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
    };
    struct sock_fprog prog = {sizeof filter / sizeof filter[0], filter};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die("notify-floor: no_new_privs");
    int listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
    if (listener < 0) die("notify-floor: seccomp");
    char byte = 0, control[CMSG_SPACE(sizeof(int))] = {0};
    struct iovec io = {&byte, 1};
    struct msghdr msg = {.msg_iov = &io, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &listener, sizeof listener);
    if (sendmsg(sock, &msg, 0) != 1) die("notify-floor: sendmsg");
    close(listener);
    if (read(sock, &byte, 1) != 1) die("notify-floor: wait for the supervisor");
    close(sock);
    execvp(argv[0], argv);
    die("notify-floor: exec");
}

/* The kernel work of one decision, in agentsh's order; returns -1 if the call cannot be judged. The pidfd is
 * left open in *pidfd, for the identity read after the answer. */
static int lookups(int root, const struct seccomp_notif *n, int *pidfd) {
    char path[4096], arg[256], link[64], canonical[4096];
    uint64_t argv0;
    int at = n->data.nr == __NR_execveat;
    /* As agentsh reads them: the path and the argv pointers in chunks that stay inside their page. */
    uint64_t path_at = n->data.args[at ? 1 : 0], argv_at = n->data.args[at ? 2 : 1];
    size_t path_len = 4096 - (path_at & 4095) < 256 ? 4096 - (path_at & 4095) : 256;
    /* The data comes as one stream over the iovecs: local and remote lengths must match one for one. */
    struct iovec local[2] = {{path, path_len}, {&argv0, sizeof argv0}};
    struct iovec remote[2] = {{(void *) path_at, path_len}, {(void *) argv_at, sizeof argv0}};
    if (process_vm_readv(n->pid, local, 2, remote, 2, 0) < 0) return -1;
    path[path_len - 1] = 0;
    struct iovec l1 = {arg, 4096 - (argv0 & 4095) < sizeof arg ? 4096 - (argv0 & 4095) : sizeof arg};
    struct iovec r1 = {(void *) argv0, l1.iov_len};
    if (argv0 != 0 && process_vm_readv(n->pid, &l1, 1, &r1, 1, 0) < 0) return -1;
    /* A path without symlinks is its own canonical form; only one with them needs the readlink. */
    struct open_how how = {.flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS};
    int file = syscall(SYS_openat2, root, path, &how, sizeof how);
    if (file < 0 && errno == ELOOP) {
        how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
        file = syscall(SYS_openat2, root, path, &how, sizeof how);
        snprintf(link, sizeof link, "/proc/self/fd/%d", file);
        if (file >= 0 && readlink(link, canonical, sizeof canonical) < 0) return -1;
    }
    if (file >= 0) close(file);
    *pidfd = syscall(SYS_pidfd_open, n->pid, PIDFD_THREAD);
    if (*pidfd < 0) return -1;
    uint64_t info[8] = {1};
    return ioctl(*pidfd, PIDFD_GET_INFO, info) == 0 ? 0 : -1;
}

int main(int argc, char **argv) {
    if (argc < 3 || (strcmp(argv[1], "answer") != 0 && strcmp(argv[1], "lookups") != 0)) {
        fprintf(stderr, "usage: notify-floor answer|lookups PROGRAM [ARGS...]\n");
        return 2;
    }
    int work = strcmp(argv[1], "lookups") == 0;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) die("notify-floor: socketpair");
    pid_t child = fork();
    if (child < 0) die("notify-floor: fork");
    if (child == 0) {
        close(sv[0]);
        run_child(sv[1], argv + 2);
    }
    close(sv[1]);
    char byte, control[CMSG_SPACE(sizeof(int))];
    struct iovec io = {&byte, 1};
    struct msghdr msg = {.msg_iov = &io, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    if (recvmsg(sv[0], &msg, 0) != 1 || CMSG_FIRSTHDR(&msg) == NULL) die("notify-floor: recvmsg");
    int listener;
    memcpy(&listener, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof listener);
    ioctl(listener, NOTIF_SET_FLAGS, NOTIF_FD_SYNC_WAKE_UP);   /* only speed is lost without it */
    char proc_root[64];
    snprintf(proc_root, sizeof proc_root, "/proc/%d/root", child);
    int root = open(proc_root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0) die("notify-floor: open the child's root");
    if (write(sv[0], "G", 1) != 1) die("notify-floor: release the child");
    for (;;) {
        struct pollfd p = {listener, POLLIN, 0};
        if (poll(&p, 1, -1) < 0) die("notify-floor: poll");
        if (p.revents & POLLHUP) break;
        struct seccomp_notif n;
        memset(&n, 0, sizeof n);
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &n) != 0) continue;
        struct seccomp_notif_resp r = {.id = n.id, .flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE};
        int pidfd = -1;
        if (work && lookups(root, &n, &pidfd) != 0) {
            r.flags = 0;
            r.error = -13;   /* EACCES: could not be judged */
        }
        ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &r);
        if (pidfd >= 0) {
            struct stat st;
            fstat(pidfd, &st);   /* the identity, which the lineage records after the answer */
            close(pidfd);
        }
    }
    struct rusage self;   /* the supervisor's own CPU time; PROGRAM's is not in it */
    getrusage(RUSAGE_SELF, &self);
    fprintf(stderr, "notify-floor: cpu_us=%ld\n", (self.ru_utime.tv_sec + self.ru_stime.tv_sec) * 1000000L
            + self.ru_utime.tv_usec + self.ru_stime.tv_usec);
    int status;
    if (waitpid(child, &status, 0) < 0) die("notify-floor: waitpid");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
