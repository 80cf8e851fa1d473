/*
 * spawn-loop: fork + execve(PROGRAM) + waitpid, N times, timed from inside (CLOCK_MONOTONIC around each
 * spawn), so this program's own start-up and whatever started it are not counted. Used by
 * bench/execve-bench.sh to price one intercepted execve.
 *
 *   spawn-loop [N [PROGRAM]]      N defaults to 2000, PROGRAM to /bin/true (run with no arguments)
 *
 * Prints one line:
 *   spawn-loop: n=N mean_us=M median_us=D min_us=L p90_us=P failed=F
 * mean is the total over N; median, min and p90 are of the single spawns (nearest rank). A spawn fails when
 * the execve fails (the child exits 127) or the program does not exit 0; then the exit status is 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int main(int argc, char **argv) {
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;
    char *program = argc > 2 ? argv[2] : "/bin/true";
    if (n <= 0) {
        fprintf(stderr, "spawn-loop: N must be a positive number\n");
        return 2;
    }
    long long *took = malloc(sizeof *took * (size_t) n);
    if (took == NULL) {
        perror("spawn-loop: malloc");
        return 2;
    }
    char *child_argv[] = {program, NULL};
    long failed = 0;
    long long start = now_ns();
    for (long i = 0; i < n; i++) {
        long long t0 = now_ns();
        pid_t pid = fork();
        if (pid < 0) {
            perror("spawn-loop: fork");
            return 2;
        }
        if (pid == 0) {
            execve(program, child_argv, environ);
            _exit(127);
        }
        int status;
        while (waitpid(pid, &status, 0) < 0) {
            if (errno != EINTR) {
                perror("spawn-loop: waitpid");
                return 2;
            }
        }
        took[i] = now_ns() - t0;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            failed++;
        }
    }
    long long total = now_ns() - start;
    qsort(took, (size_t) n, sizeof *took, by_value);
    long median = (n * 50 + 99) / 100 - 1, p90 = (n * 90 + 99) / 100 - 1;
    printf("spawn-loop: n=%ld mean_us=%.1f median_us=%.1f min_us=%.1f p90_us=%.1f failed=%ld\n", n,
           total / 1e3 / n, took[median] / 1e3, took[0] / 1e3, took[p90] / 1e3, failed);
    free(took);
    return failed == 0 ? 0 : 1;
}
