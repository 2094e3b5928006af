/* write_dir.c — hr_series_write_dir: every region of a series as
 * DIR/<name>.csv, the directory replaced as a whole (util/atomic.h), file
 * names made safe from the region names, which come from the data. */
#include "headroom.h"
#include "util/atomic.h"
#include "util/error.h"
#include "util/mem.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

/* Longest file name stem (bytes) made from a region name. */
#define STEM_MAX 96

/* A file name stem for region name r: bytes that are separators, control
 * characters or a leading '.' (hidden files, "..") become '_', at most
 * STEM_MAX bytes cut at a UTF-8 character boundary, "_" if empty. */
static void safe_stem(const char *r, char *out)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)r; *p && n < STEM_MAX; p++) {
        unsigned char c = *p;
        int bad = c < 0x20 || c == 0x7f || c == '/' || c == '\\' || (n == 0 && c == '.');
        out[n++] = bad ? '_' : (char)c;
    }
    while (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0x80) n--; /* continuation bytes */
    if (n > 0 && ((unsigned char)out[n - 1] & 0xC0) == 0xC0 && r[n] != '\0') n--; /* a cut lead byte */
    if (n == 0) out[n++] = '_';
    out[n] = '\0';
}

/* names[i] = the file name of region i: its safe stem, "-2", "-3", ...
 * appended where two stems are equal ignoring case (case-insensitive file
 * systems), then ".csv". */
static void file_names(const hr_series *s, char (*names)[STEM_MAX + 16])
{
    size_t n = hr_series_region_count(s);
    for (size_t i = 0; i < n; i++) {
        char stem[STEM_MAX + 1];
        safe_stem(hr_series_region_name(s, i), stem);
        for (unsigned k = 1;; k++) {
            if (k == 1) snprintf(names[i], STEM_MAX + 16, "%s.csv", stem);
            else snprintf(names[i], STEM_MAX + 16, "%s-%u.csv", stem, k);
            size_t j = 0;
            while (j < i && strcasecmp(names[j], names[i]) != 0) j++;
            if (j == i) break;
        }
    }
}

/* The remover of old and stale output directories: regular files, then the
 * directory (anything else in it keeps it, and is kept). */
static int remove_csv_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    struct dirent *e;
    char p[4352];
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (lstat(p, &st) == 0 && S_ISREG(st.st_mode)) unlink(p);
    }
    closedir(d);
    return rmdir(dir);
}

/* An existing dir may be replaced only if it holds nothing but regular
 * .csv files (an earlier output). */
static int check_replaceable(const char *dir)
{
    struct stat st;
    if (lstat(dir, &st) != 0) {
        if (errno == ENOENT) return HR_OK;
        return err_set(HR_EIO, "%s: %s", dir, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) return err_set(HR_EIO, "%s: exists and is not a directory", dir);
    DIR *d = opendir(dir);
    if (!d) return err_set(HR_EIO, "%s: %s", dir, strerror(errno));
    struct dirent *e;
    int st_ = HR_OK;
    char p[4352];
    while (!st_ && (e = readdir(d)) != NULL) {
        const char *nm = e->d_name;
        if (!strcmp(nm, ".") || !strcmp(nm, "..")) continue;
        size_t l = strlen(nm);
        snprintf(p, sizeof p, "%s/%s", dir, nm);
        struct stat fs;
        if (l < 5 || strcasecmp(nm + l - 4, ".csv") != 0 || nm[0] == '.' || lstat(p, &fs) != 0 ||
            !S_ISREG(fs.st_mode))
            st_ = err_set(HR_EIO, "%s: holds '%.64s', not only region CSV files: not replaced", dir, nm);
    }
    closedir(d);
    return st_;
}

int hr_series_write_dir(const hr_series *s, const char *dir)
{
    err_clear();
    if (!s || !dir || !*dir) return err_set(HR_EINVAL, "hr_series_write_dir: NULL or empty argument");
    if (strlen(dir) > 4000) return err_set(HR_EINVAL, "hr_series_write_dir: directory name too long");
    int st = check_replaceable(dir);
    if (st) return st;
    size_t n = hr_series_region_count(s);
    char (*names)[STEM_MAX + 16] = mem_array(n ? n : 1, sizeof *names);
    if (!names) return err_set(HR_ENOMEM, "out of memory");
    file_names(s, names);
    char *tmp = NULL;
    st = atomic_dir_begin(dir, remove_csv_dir, &tmp);
    for (size_t i = 0; !st && i < n; i++) {
        char path[4352];
        snprintf(path, sizeof path, "%s/%s", tmp, names[i]);
        st = hr_series_write_long(s, i, path);
    }
    if (!st) st = atomic_dir_commit(tmp, dir, remove_csv_dir);
    if (st && tmp) remove_csv_dir(tmp);
    mem_free(tmp);
    mem_free(names);
    return st;
}
