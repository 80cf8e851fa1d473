/*
 * spawn-loop: N spawns, timed from inside (CLOCK_MONOTONIC), so this program's own start-up and whatever
 * started it are not counted. Used by bench/execve-bench.sh to price one intercepted execve.
 *
 *   spawn-loop [N [PROGRAM]]         fork + execve(PROGRAM) + waitpid, N times; N defaults to 2000, PROGRAM
 *                                    to /bin/true (run with no arguments)
 *   spawn-loop --exec-call N FILE    fork, then the child times one execve(FILE) call alone, N times. FILE
 *                                    must exist and not be executable: the call then fails with EACCES
 *                                    after everything an interceptor does for any exec (read it, resolve
 *                                    the path, find the caller's depth, ask the policy, answer), but
 *                                    without loading a program, whose cost (and noise) is the same with
 *                                    or without interception
 *
 * Prints one line:
 *   spawn-loop: n=N mean_us=M median_us=D min_us=L p90_us=P failed=F
 *   exec-call: n=N mean_us=M median_us=D min_us=L p90_us=P failed=F
 * mean is the total over N (spawns) or the mean call (exec-call); median, min and p90 are of the single
 * spawns or calls (nearest rank). A spawn fails when the execve fails (the child exits 127) or the program
 * does not exit 0; an exec call fails when it does not fail with EACCES. Any failure makes the exit status 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long) t.tv_sec * 1000000000LL + t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    long long x = *(const long long *) a, y = *(const long long *) b;
    return (x > y) - (x < y);
}

/* Waits for the child; returns whether it exited 0. */
static int reap(pid_t pid) {
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            perror("spawn-loop: waitpid");
            exit(2);
        }
    }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static pid_t fork_or_die(void) {
    pid_t pid = fork();
    if (pid < 0) {
        perror("spawn-loop: fork");
        exit(2);
    }
    return pid;
}

int main(int argc, char **argv) {
    int exec_call = argc > 1 && strcmp(argv[1], "--exec-call") == 0;
    if (exec_call && argc != 4) {
        fprintf(stderr, "usage: spawn-loop --exec-call N FILE\n");
        return 2;
    }
    char **args = exec_call ? argv + 1 : argv;
    long n = argc > 1 + exec_call ? strtol(args[1], NULL, 10) : 2000;
    char *program = argc > 2 + exec_call ? args[2] : "/bin/true";
    if (n <= 0) {
        fprintf(stderr, "spawn-loop: N must be a positive number\n");
        return 2;
    }
    long long *took = malloc(sizeof *took * (size_t) n);
    /* The exec-call child writes how long its call took here; a fresh child has no other way back. */
    long long *child_took = mmap(NULL, sizeof *child_took, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (took == NULL || child_took == MAP_FAILED) {
        perror("spawn-loop: memory");
        return 2;
    }
    char *child_argv[] = {program, NULL};
    long failed = 0;
    long long start = now_ns();
    for (long i = 0; i < n; i++) {
        long long t0 = now_ns();
        pid_t pid = fork_or_die();
        if (pid == 0) {
            if (exec_call) {
                long long c0 = now_ns();
                execve(program, child_argv, environ);
                *child_took = now_ns() - c0;
                _exit(errno == EACCES ? 0 : 1);
            }
            execve(program, child_argv, environ);
            _exit(127);
        }
        if (!reap(pid)) {
            failed++;
        }
        took[i] = exec_call ? *child_took : now_ns() - t0;
    }
    long long total = now_ns() - start;
    if (exec_call) {
        total = 0;
        for (long i = 0; i < n; i++) {
            total += took[i];
        }
    }
    qsort(took, (size_t) n, sizeof *took, by_value);
    long median = (n * 50 + 99) / 100 - 1, p90 = (n * 90 + 99) / 100 - 1;
    printf("%s: n=%ld mean_us=%.1f median_us=%.1f min_us=%.1f p90_us=%.1f failed=%ld\n",
           exec_call ? "exec-call" : "spawn-loop", n, total / 1e3 / n, took[median] / 1e3, took[0] / 1e3,
           took[p90] / 1e3, failed);
    free(took);
    return failed == 0 ? 0 : 1;
}
