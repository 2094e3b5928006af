/* peakrss.c — run a command and report its peak resident set size, for
 * `make bench` on systems without GNU time (/usr/bin/time -f %M).
 *
 * Usage: peakrss OUTFILE COMMAND [ARG...]
 * Runs COMMAND (stdin/stdout/stderr inherited), writes the child's
 * ru_maxrss in KiB (getrusage semantics on Linux) as one line to OUTFILE,
 * and exits with the child's exit status (128 + signal if it was killed,
 * 127 if it could not be started). */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: peakrss OUTFILE COMMAND [ARG...]\n");
        return 2;
    }
    pid_t pid = fork();
    if (pid < 0) { perror("peakrss: fork"); return 127; }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        fprintf(stderr, "peakrss: %s: %s\n", argv[2], strerror(errno));
        _exit(127);
    }
    int st;
    struct rusage ru;
    while (wait4(pid, &st, 0, &ru) < 0) {
        if (errno != EINTR) { perror("peakrss: wait4"); return 127; }
    }
    FILE *fp = fopen(argv[1], "w");
    if (!fp || fprintf(fp, "%ld\n", ru.ru_maxrss) < 0 || fclose(fp) != 0) {
        fprintf(stderr, "peakrss: %s: cannot write\n", argv[1]);
        return 127;
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
