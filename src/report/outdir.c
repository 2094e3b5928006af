/* outdir.c — the report's output directory. The files are written into a
 * fresh directory beside DIR (util/atomic.h: ".DIR.tmp-PID-N"), each
 * flushed and fsync'd, and that directory is then exchanged with DIR in one
 * step (renameat2 RENAME_EXCHANGE), so DIR holds the old report until it
 * holds the new one, also when the process is killed; the old one is then
 * deleted. Temporaries of killed runs are deleted by the next run. A
 * failure at any step leaves DIR as it was. An existing DIR is only
 * replaced when it holds nothing but the files a report writes: a
 * mistyped `-o ~` must never delete data. */
#include "report/render.h"
#include "util/atomic.h"
#include "util/error.h"
#include "util/mem.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const REPORT_FILES[REPORT_NFILES] = {"index.html", "regions.csv", "regions.json", "run.json"};

static char *path_join(const char *dir, const char *name)
{
    size_t a = strlen(dir), b = strlen(name);
    char *p = mem_alloc(a + b + 2);
    if (!p) return NULL;
    memcpy(p, dir, a);
    p[a] = '/';
    memcpy(p + a + 1, name, b + 1);
    return p;
}

static int write_file(const char *dir, const char *name, const textbuf *s)
{
    char *path = path_join(dir, name);
    if (!path) return err_set(HR_ENOMEM, "%s/%s: out of memory", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f) {
        int rc = err_set(HR_EIO, "%s: cannot create: %s", path, strerror(errno));
        mem_free(path);
        return rc;
    }
    size_t k = s->len ? fwrite(s->p, 1, s->len, f) : 0;
    int bad = k != s->len || fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
    int e = errno;
    if (fclose(f) != 0) bad = 1;
    int rc = bad ? err_set(HR_EIO, "%s: write failed: %s", path, strerror(e)) : HR_OK;
    mem_free(path);
    return rc;
}

/* Remove the files a report writes from dir, then dir itself (best effort;
 * anything else in it keeps it). */
static int remove_report_dir(const char *dir)
{
    for (int k = 0; k < REPORT_NFILES; k++) {
        char *p = path_join(dir, REPORT_FILES[k]);
        if (p) {
            unlink(p);
            mem_free(p);
        }
    }
    return rmdir(dir);
}

/* 1 if dir exists; error if it exists but is not a directory holding only
 * report files (regular files named as in REPORT_FILES). */
static int check_existing(const char *dir, int *exists, mode_t *mode)
{
    struct stat st;
    *exists = 0;
    if (lstat(dir, &st) != 0) {
        if (errno == ENOENT) return HR_OK;
        return err_set(HR_EIO, "%s: cannot stat: %s", dir, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) return err_set(HR_EIO, "%s: exists and is not a directory", dir);
    *exists = 1;
    *mode = st.st_mode & 07777;
    DIR *d = opendir(dir);
    if (!d) return err_set(HR_EIO, "%s: cannot open directory: %s", dir, strerror(errno));
    struct dirent *de;
    int rc = HR_OK;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        int known = 0;
        for (int k = 0; k < REPORT_NFILES; k++) known |= strcmp(de->d_name, REPORT_FILES[k]) == 0;
        if (known) {
            char *p = path_join(dir, de->d_name);
            if (!p) {
                rc = err_set(HR_ENOMEM, "%s: out of memory", dir);
                break;
            }
            known = lstat(p, &st) == 0 && S_ISREG(st.st_mode);
            mem_free(p);
        }
        if (!known) {
            rc = err_set(HR_EIO,
                        "%s: refusing to replace: it holds '%s', which is not part of a headroom report",
                        dir, de->d_name);
            break;
        }
    }
    closedir(d);
    return rc;
}

int outdir_check(const char *dir)
{
    int exists;
    mode_t mode;
    return check_existing(dir, &exists, &mode);
}

int outdir_replace(const char *dir, const textbuf out[REPORT_NFILES], int fail_after_files)
{
    int exists = 0;
    mode_t mode = 0755;
    int rc = check_existing(dir, &exists, &mode);
    if (rc) return rc;
    char *tmpdir = NULL;
    rc = atomic_dir_begin(dir, remove_report_dir, &tmpdir);
    if (rc) return rc;
    for (int k = 0; k < REPORT_NFILES && !rc; k++) {
        rc = write_file(tmpdir, REPORT_FILES[k], &out[k]);
        if (!rc && fail_after_files > 0 && k + 1 == fail_after_files)
            rc = err_set(HR_EIO, "%s: injected failure after %d files (test hook)", tmpdir, k + 1);
    }
    if (!rc && chmod(tmpdir, mode) != 0)
        rc = err_set(HR_EIO, "%s: cannot set mode: %s", tmpdir, strerror(errno));
    if (!rc) rc = atomic_dir_commit(tmpdir, dir, remove_report_dir);
    if (rc) remove_report_dir(tmpdir);
    mem_free(tmpdir);
    return rc;
}
