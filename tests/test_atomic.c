/* test_atomic.c — the atomic writer (util/atomic.h): whole content or the
 * old one, no temporaries left, stale temporaries of killed writers
 * removed, concurrent writers never tear a file, the directory swap. */
#include "helpers.h"
#include "headroom.h"
#include "util/atomic.h"
#include <criterion/criterion.h>
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *scratch(void)
{
    static __thread char d[64];
    strcpy(d, "/tmp/hr_test_atomic_XXXXXX");
    cr_assert(mkdtemp(d));
    return d;
}

/* Entries of dir other than . and .. */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *b = malloc(1 << 22);
    *len = fread(b, 1, 1 << 22, f);
    fclose(f);
    return b;
}

/* A process id that is not running (a child that has exited). */
static long dead_pid(void)
{
    pid_t p = fork();
    if (p == 0) _exit(0);
    waitpid(p, NULL, 0);
    return (long)p;
}

Test(atomic, write_commit_abort)
{
    char *d = scratch(), path[128];
    snprintf(path, sizeof path, "%s/out.csv", d);
    cr_assert_eq(atomic_write(path, "old\n", 4), HR_OK, "%s", hr_last_error());
    atomic_file *a;
    cr_assert_eq(atomic_open(path, &a), HR_OK, "%s", hr_last_error());
    fputs("half-written", atomic_stream(a));
    size_t n;
    char *b = slurp(path, &n);
    cr_expect(n == 4 && !memcmp(b, "old\n", 4), "the old content stays while writing");
    free(b);
    atomic_abort(a);
    b = slurp(path, &n);
    cr_expect(n == 4 && !memcmp(b, "old\n", 4), "abort keeps the old content");
    free(b);
    cr_expect_eq(entries(d), 1, "no temporary left after abort");
    cr_assert_eq(atomic_write(path, "new!\n", 5), HR_OK);
    b = slurp(path, &n);
    cr_expect(n == 5 && !memcmp(b, "new!\n", 5));
    free(b);
    cr_expect_eq(entries(d), 1, "no temporary left after commit");
    /* errors name the path */
    char bad[160];
    snprintf(bad, sizeof bad, "%s/no/such/dir/x.csv", d);
    cr_expect_eq(atomic_write(bad, "x", 1), HR_EIO);
    cr_expect(strstr(hr_last_error(), bad), "%s", hr_last_error());
    rm_rf(d);
}

Test(atomic, stale_temporaries_removed)
{
    char *d = scratch(), path[128], stale[160], live[160], other[160];
    snprintf(path, sizeof path, "%s/m.hrm", d);
    snprintf(stale, sizeof stale, "%s/.m.hrm.tmp-%ld-1", d, dead_pid());
    snprintf(live, sizeof live, "%s/.m.hrm.tmp-%ld-1", d, (long)getppid());
    snprintf(other, sizeof other, "%s/.n.hrm.tmp-%ld-1", d, dead_pid());
    FILE *f = fopen(stale, "w");
    fclose(f);
    f = fopen(live, "w");
    fclose(f);
    f = fopen(other, "w");
    fclose(f);
    cr_assert_eq(atomic_write(path, "x", 1), HR_OK, "%s", hr_last_error());
    struct stat st;
    cr_expect(stat(stale, &st) != 0, "a killed writer's temporary is removed");
    cr_expect(stat(live, &st) == 0, "a running writer's temporary is kept");
    cr_expect(stat(other, &st) == 0, "another file's temporary is kept");
    rm_rf(d);
}

typedef struct {
    const char *path;
    char fill;
    int st;
} writer;

static void *write_big(void *ud)
{
    writer *w = ud;
    size_t n = 1 << 20;
    char *b = malloc(n);
    memset(b, w->fill, n);
    w->st = atomic_write(w->path, b, n);
    free(b);
    return NULL;
}

/* Two writers of one path at once: the result is one of them, whole. */
Test(atomic, concurrent_writers_never_tear)
{
    char *d = scratch(), path[128];
    snprintf(path, sizeof path, "%s/r.csv", d);
    for (int trial = 0; trial < 14; trial++) {
        writer w[2] = {{path, 'a', -1}, {path, 'b', -1}};
        pthread_t t[2];
        for (int i = 0; i < 2; i++) pthread_create(&t[i], NULL, write_big, &w[i]);
        for (int i = 0; i < 2; i++) pthread_join(t[i], NULL);
        cr_assert(w[0].st == HR_OK && w[1].st == HR_OK);
        size_t n;
        char *b = slurp(path, &n);
        cr_assert_eq(n, (size_t)1 << 20);
        for (size_t k = 1; k < n; k++) cr_assert_eq(b[k], b[0], "torn file at byte %zu", k);
        free(b);
        cr_assert_eq(entries(d), 1, "temporaries left");
    }
    rm_rf(d);
}

static int rm_tree(const char *dir)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd);
}

Test(atomic, directory_swap)
{
    char *d = scratch(), out[128], file[300];
    snprintf(out, sizeof out, "%s/report", d);
    for (int round = 0; round < 3; round++) {
        char *tmp = NULL;
        cr_assert_eq(atomic_dir_begin(out, rm_tree, &tmp), HR_OK, "%s", hr_last_error());
        snprintf(file, sizeof file, "%s/index.html", tmp);
        char text[32];
        snprintf(text, sizeof text, "round %d", round);
        cr_assert_eq(atomic_write(file, text, strlen(text)), HR_OK);
        cr_assert_eq(atomic_dir_commit(tmp, out, rm_tree), HR_OK, "%s", hr_last_error());
        free(tmp);
        snprintf(file, sizeof file, "%s/index.html", out);
        size_t n;
        char *b = slurp(file, &n);
        cr_assert(b && n == strlen(text) && !memcmp(b, text, n), "round %d content", round);
        free(b);
        cr_expect_eq(entries(d), 1, "only the result beside it (round %d)", round);
    }
    /* a stale temporary directory of a killed run is removed by the next */
    char stale[160];
    snprintf(stale, sizeof stale, "%s/.report.tmp-%ld-7", d, dead_pid());
    cr_assert_eq(mkdir(stale, 0777), 0);
    snprintf(file, sizeof file, "%s/junk", stale);
    cr_assert_eq(atomic_write(file, "j", 1), HR_OK);
    char *tmp = NULL;
    cr_assert_eq(atomic_dir_begin(out, rm_tree, &tmp), HR_OK);
    struct stat st;
    cr_expect(stat(stale, &st) != 0, "stale temporary directory removed");
    cr_assert_eq(atomic_dir_commit(tmp, out, rm_tree), HR_OK);
    free(tmp);
    cr_expect_eq(entries(out), 0);
    rm_rf(d);
}

/* The public face: hr_outfile_*. */
Test(atomic, public_outfile)
{
    char *d = scratch(), path[128];
    snprintf(path, sizeof path, "%s/f.csv", d);
    hr_outfile *h = NULL;
    cr_assert_eq(hr_outfile_open(path, &h), HR_OK);
    fprintf(hr_outfile_stream(h), "a,b\n");
    cr_assert_eq(hr_outfile_commit(h), HR_OK);
    size_t n;
    char *b = slurp(path, &n);
    cr_expect(n == 4 && !memcmp(b, "a,b\n", 4));
    free(b);
    cr_expect_eq(hr_outfile_open(NULL, &h), HR_EINVAL);
    cr_expect_eq(hr_outfile_commit(NULL), HR_EINVAL);
    hr_outfile_abort(NULL);
    rm_rf(d);
}

/* ingest -o DIR: file names from region names (which come from the data)
 * stay inside DIR, clashes are resolved, DIR is replaced as a whole. */
Test(atomic, series_write_dir_safe_names)
{
    char *d = scratch(), csv[128], out[128], probe[300];
    snprintf(csv, sizeof csv, "%s/in.csv", d);
    snprintf(out, sizeof out, "%s/norm", d);
    FILE *f = fopen(csv, "w");
    const char *regions[] = {"../../x", "a/b", ".hidden", "A", "a", "..", "c\\d"};
    fprintf(f, "region,timestamp,load_mw\n");
    for (size_t r = 0; r < sizeof regions / sizeof *regions; r++)
        for (int h = 0; h < 3; h++) fprintf(f, "\"%s\",2020-01-01T0%d:00:00Z,%d\n", regions[r], h, 10 + h);
    fclose(f);
    hr_ingest_opts o;
    hr_ingest_opts_init(&o);
    o.screen = 0;
    const char *paths[1] = {csv};
    hr_series *s = NULL;
    cr_assert_eq(hr_series_read(paths, 1, &o, &s), HR_OK, "%s", hr_last_error());
    cr_assert_eq(hr_series_write_dir(s, out), HR_OK, "%s", hr_last_error());
    cr_expect_eq(entries(out), 7, "one file per region");
    cr_expect_eq(entries(d), 2, "nothing written beside DIR (in.csv, norm)");
    const char *want[] = {"_._.._x.csv", "a_b.csv", "_hidden.csv", "_..csv", "c_d.csv"};
    for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
        struct stat st;
        snprintf(probe, sizeof probe, "%s/%s", out, want[k]);
        cr_expect(stat(probe, &st) == 0, "%s missing", want[k]);
    }
    snprintf(probe, sizeof probe, "%s/A.csv", out);
    struct stat st;
    int a1 = stat(probe, &st) == 0;
    snprintf(probe, sizeof probe, "%s/a-2.csv", out);
    int a2 = stat(probe, &st) == 0;
    snprintf(probe, sizeof probe, "%s/a.csv", out);
    int a3 = stat(probe, &st) == 0;
    snprintf(probe, sizeof probe, "%s/A-2.csv", out);
    int a4 = stat(probe, &st) == 0;
    cr_expect((a1 && a2) || (a3 && a4), "A and a both written under distinct names");
    /* written again: replaced, not merged */
    cr_assert_eq(hr_series_write_dir(s, out), HR_OK, "%s", hr_last_error());
    cr_expect_eq(entries(out), 7);
    /* a directory holding other things is not replaced */
    snprintf(probe, sizeof probe, "%s/notes.txt", out);
    cr_assert_eq(atomic_write(probe, "mine", 4), HR_OK);
    cr_expect_eq(hr_series_write_dir(s, out), HR_EIO);
    cr_expect(strstr(hr_last_error(), "notes.txt"), "%s", hr_last_error());
    cr_expect(stat(probe, &st) == 0, "the user's file is kept");
    hr_series_free(s);
    rm_rf(d);
}
