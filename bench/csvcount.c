/* csvcount.c — the libcsv floor for `make bench`: tokenise CSV files with
 * libcsv and do nothing else but count fields and records in the callbacks.
 * Any reader built on libcsv (headroom ingest) does this work plus its own,
 * so the time of this program is the lower bound the ingest time is compared
 * with. Files are read with read(2) in 1 MiB chunks (page cache warm in the
 * bench), parsed with default options (not strict, as ingest must tolerate
 * ragged files).
 *
 * Usage: csvcount FILE...
 * Prints one line to stdout: files, bytes, records, fields, seconds.
 * Exit 0, or 1 on an I/O or libcsv error (message on stderr). */
#define _POSIX_C_SOURCE 200809L
#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef struct { unsigned long long fields, records; } counts;

static void on_field(void *s, size_t len, void *ud) { (void)s; (void)len; ((counts *)ud)->fields++; }
static void on_record(int c, void *ud) { (void)c; ((counts *)ud)->records++; }

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: csvcount FILE...\n");
        return 2;
    }
    enum { CHUNK = 1 << 20 };
    char *buf = malloc(CHUNK);
    if (!buf) { fprintf(stderr, "csvcount: out of memory\n"); return 1; }
    counts c = {0, 0};
    unsigned long long bytes = 0;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) { fprintf(stderr, "csvcount: %s: %s\n", argv[i], strerror(errno)); free(buf); return 1; }
        struct csv_parser p;
        if (csv_init(&p, 0) != 0) { fprintf(stderr, "csvcount: csv_init failed\n"); close(fd); free(buf); return 1; }
        for (;;) {
            ssize_t n = read(fd, buf, CHUNK);
            if (n < 0) {
                if (errno == EINTR) continue;
                fprintf(stderr, "csvcount: %s: %s\n", argv[i], strerror(errno));
                csv_free(&p); close(fd); free(buf);
                return 1;
            }
            if (n == 0) break;
            bytes += (unsigned long long)n;
            if (csv_parse(&p, buf, (size_t)n, on_field, on_record, &c) != (size_t)n) {
                fprintf(stderr, "csvcount: %s: %s\n", argv[i], csv_strerror(csv_error(&p)));
                csv_free(&p); close(fd); free(buf);
                return 1;
            }
        }
        csv_fini(&p, on_field, on_record, &c);
        csv_free(&p);
        close(fd);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    free(buf);
    double s = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    printf("files %d bytes %llu records %llu fields %llu seconds %.6f\n", argc - 1, bytes, c.records,
           c.fields, s);
    return 0;
}
