/* atomic.c — one atomic writer for every output (atomic.h), and its public
 * face hr_outfile_* (headroom.h). */
#include "util/atomic.h"
#include "util/error.h"
#include "util/mem.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct hr_outfile {
    FILE *f;
    char *path;   /* final name                                      */
    char *dir;    /* its directory ("." for a bare name)             */
    char *tmp;    /* named temporary, or NULL while the inode is anonymous */
};

/* dir and base of path (trailing slashes of a directory path dropped);
 * *dir and *base to mem_free. */
static int split_path(const char *path, char **dir, char **base)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/') n--;
    size_t b = n;
    while (b > 0 && path[b - 1] != '/') b--;
    *dir = *base = NULL;
    if (b == n) return err_set(HR_EINVAL, "%s: not a file name", path);
    *base = mem_alloc(n - b + 1);
    *dir = b ? mem_alloc(b + 1) : mem_strdup(".");
    if (!*base || !*dir) {
        mem_free(*base), mem_free(*dir);
        *base = *dir = NULL; /* the caller frees them again */
        return err_set(HR_ENOMEM, "out of memory");
    }
    memcpy(*base, path + b, n - b);
    (*base)[n - b] = '\0';
    if (b) {
        memcpy(*dir, path, b);
        (*dir)[b > 1 ? b - 1 : 1] = '\0'; /* "/x" -> "/" */
    }
    return HR_OK;
}

/* "DIR/.BASE.tmp-PID-N" (mem_alloc'd). */
static char *temp_name(const char *dir, const char *base, unsigned long n)
{
    size_t cap = strlen(dir) + strlen(base) + 64;
    char *t = mem_alloc(cap);
    if (t) snprintf(t, cap, "%s/.%s.tmp-%ld-%lx", dir, base, (long)getpid(), n);
    return t;
}

/* A start for the N of temp_name that differs between threads and calls
 * (the clock and a stack address); collisions are retried by the caller. */
static unsigned long temp_seed(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uintptr_t a = (uintptr_t)&ts;
    return (unsigned long)((uint64_t)ts.tv_nsec * 2654435761u ^ (uint64_t)a ^ ((uint64_t)ts.tv_sec << 20));
}

/* Remove the temporaries ".BASE.tmp-PID-*" in dir whose process has exited
 * (a kill -9 in the middle of a write): files unlinked, directories through
 * rm (or rmdir when rm is NULL). Best effort. */
static void clean_stale(const char *dir, const char *base, atomic_rmdir_fn rm)
{
    DIR *d = opendir(dir);
    if (!d) return;
    size_t bl = strlen(base);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *s = e->d_name;
        if (s[0] != '.' || strncmp(s + 1, base, bl) != 0 || strncmp(s + 1 + bl, ".tmp-", 5) != 0)
            continue;
        char *end;
        long pid = strtol(s + 1 + bl + 5, &end, 10);
        if (end == s + 1 + bl + 5 || *end != '-' || pid <= 0 || pid == (long)getpid()) continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH) continue; /* alive, or not ours to know */
        size_t cap = strlen(dir) + strlen(s) + 2;
        char *p = mem_alloc(cap);
        if (!p) break;
        snprintf(p, cap, "%s/%s", dir, s);
        struct stat st;
        if (lstat(p, &st) == 0) {
            if (!S_ISDIR(st.st_mode)) unlink(p);
            else if (rm) rm(p);
            else rmdir(p);
        }
        mem_free(p);
    }
    closedir(d);
}

/* fsync of a directory, so a rename in it survives a crash; file systems
 * that cannot (EINVAL) are left as they are. */
static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return errno;
    int e = fsync(fd) != 0 && errno != EINVAL ? errno : 0;
    close(fd);
    return e;
}

static void file_free(atomic_file *a)
{
    if (!a) return;
    mem_free(a->path), mem_free(a->dir), mem_free(a->tmp);
    mem_free(a);
}

int atomic_open(const char *path, atomic_file **out)
{
    *out = NULL;
    if (!path || !*path) return err_set(HR_EINVAL, "output path is NULL or empty");
    atomic_file *a = mem_calloc(1, sizeof *a);
    char *base = NULL;
    if (!a || !(a->path = mem_strdup(path))) {
        file_free(a);
        return err_set(HR_ENOMEM, "out of memory");
    }
    int st = split_path(path, &a->dir, &base);
    if (st) {
        file_free(a);
        return st;
    }
    clean_stale(a->dir, base, NULL);
    int fd = -1, e = 0;
#ifdef O_TMPFILE
    fd = open(a->dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
#endif
    for (unsigned long n = temp_seed(), k = 0; fd < 0 && k < 100; k++, n++) {
        mem_free(a->tmp);
        if (!(a->tmp = temp_name(a->dir, base, n))) {
            e = ENOMEM;
            break;
        }
        fd = open(a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && (e = errno) != EEXIST) break;
    }
    mem_free(base);
    if (fd >= 0 && !(a->f = fdopen(fd, "w"))) {
        e = errno;
        close(fd);
        if (a->tmp) unlink(a->tmp);
    }
    if (!a->f) {
        st = e == ENOMEM ? err_set(HR_ENOMEM, "out of memory")
                         : err_set(HR_EIO, "%s: cannot create: %s", path, strerror(e));
        file_free(a);
        return st;
    }
    *out = a;
    return HR_OK;
}

FILE *atomic_stream(atomic_file *a) { return a ? a->f : NULL; }

/* Give the anonymous inode of a a temporary name (O_TMPFILE: /proc's link
 * of the descriptor, else AT_EMPTY_PATH); 0 or errno. */
static int name_inode(atomic_file *a)
{
    char *base = strrchr(a->path, '/') ? strrchr(a->path, '/') + 1 : a->path;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fileno(a->f));
    for (unsigned long n = temp_seed(), k = 0; k < 100; k++, n++) {
        if (!(a->tmp = temp_name(a->dir, base, n))) return ENOMEM;
        if (linkat(AT_FDCWD, proc, AT_FDCWD, a->tmp, AT_SYMLINK_FOLLOW) == 0) return 0;
        if (errno == ENOENT && linkat(fileno(a->f), "", AT_FDCWD, a->tmp, AT_EMPTY_PATH) == 0) return 0;
        int e = errno;
        mem_free(a->tmp);
        a->tmp = NULL;
        if (e != EEXIST) return e;
    }
    return EEXIST;
}

int atomic_commit(atomic_file *a)
{
    if (!a) return err_set(HR_EINVAL, "atomic_commit: NULL");
    int e = 0;
    if (fflush(a->f) != 0 || ferror(a->f)) e = errno ? errno : EIO;
    if (!e && fsync(fileno(a->f)) != 0) e = errno;
    if (!e && !a->tmp) e = name_inode(a);
    if (fclose(a->f) != 0 && !e) e = errno;
    a->f = NULL;
    if (!e && rename(a->tmp, a->path) != 0) e = errno;
    if (!e) e = sync_dir(a->dir);
    int st = HR_OK;
    if (e) {
        if (a->tmp) unlink(a->tmp);
        st = e == ENOMEM ? err_set(HR_ENOMEM, "out of memory")
                         : err_set(HR_EIO, "%s: write failed: %s", a->path, strerror(e));
    }
    file_free(a);
    return st;
}

void atomic_abort(atomic_file *a)
{
    if (!a) return;
    if (a->f) fclose(a->f);
    if (a->tmp) unlink(a->tmp);
    file_free(a);
}

int atomic_write(const char *path, const void *buf, size_t len)
{
    atomic_file *a;
    int st = atomic_open(path, &a);
    if (st) return st;
    if (len && fwrite(buf, 1, len, a->f) != len) {
        int e = errno;
        atomic_abort(a);
        return err_set(HR_EIO, "%s: write failed: %s", path, strerror(e ? e : EIO));
    }
    return atomic_commit(a);
}

int atomic_dir_begin(const char *dir, atomic_rmdir_fn rm, char **tmp)
{
    *tmp = NULL;
    if (!dir || !*dir) return err_set(HR_EINVAL, "output directory is NULL or empty");
    char *parent, *base;
    int st = split_path(dir, &parent, &base);
    if (st) return st;
    clean_stale(parent, base, rm);
    int e = EEXIST;
    for (unsigned long n = temp_seed(), k = 0; k < 100 && e == EEXIST; k++, n++) {
        mem_free(*tmp);
        if (!(*tmp = temp_name(parent, base, n))) break;
        e = mkdir(*tmp, 0777) == 0 ? 0 : errno;
    }
    mem_free(parent), mem_free(base);
    if (!*tmp) return err_set(HR_ENOMEM, "out of memory");
    if (e) {
        mem_free(*tmp);
        *tmp = NULL;
        return err_set(HR_EIO, "%s: cannot create a temporary directory beside it: %s", dir, strerror(e));
    }
    return HR_OK;
}

int atomic_dir_commit(const char *tmp, const char *dir, atomic_rmdir_fn rm)
{
    char *parent, *base;
    int st = split_path(dir, &parent, &base);
    if (st) return st;
    int e = sync_dir(tmp);
    /* One step: dir holds the old result until it holds the new one. */
    if (!e && renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) == 0) {
        if (rm) rm(tmp); /* the old result, now under the temporary name */
        else rmdir(tmp);
    } else if (!e && errno == ENOENT) {
        /* no old result; one that appeared meanwhile (a concurrent run) is
         * exchanged after all */
        if (rename(tmp, dir) != 0) {
            e = errno;
            if ((e == ENOTEMPTY || e == EEXIST) &&
                renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) == 0) {
                e = 0;
                if (rm) rm(tmp);
                else rmdir(tmp);
            }
        }
    } else if (!e && (errno == EINVAL || errno == ENOSYS)) {
        /* no RENAME_EXCHANGE here: the old result moves aside first (a kill
         * between the two renames leaves dir missing, both kept beside it) */
        char *old = temp_name(parent, base, temp_seed());
        if (!old) e = ENOMEM;
        else if (rename(dir, old) != 0) e = errno;
        else if (rename(tmp, dir) != 0) e = errno, rename(old, dir);
        else if (rm) rm(old);
        else rmdir(old);
        mem_free(old);
    } else if (!e) {
        e = errno;
    }
    if (!e) e = sync_dir(parent);
    mem_free(parent), mem_free(base);
    if (e == ENOMEM) return err_set(HR_ENOMEM, "out of memory");
    if (e) return err_set(HR_EIO, "%s: cannot put %s in its place: %s", dir, tmp, strerror(e));
    return HR_OK;
}

/* ------------------------------------------------------ public: headroom.h */

int hr_outfile_open(const char *path, hr_outfile **out)
{
    err_clear();
    if (!out) return err_set(HR_EINVAL, "hr_outfile_open: out is NULL");
    *out = NULL;
    if (!path || !*path) return err_set(HR_EINVAL, "hr_outfile_open: path is NULL or empty");
    return atomic_open(path, out);
}

FILE *hr_outfile_stream(hr_outfile *f) { return atomic_stream(f); }

int hr_outfile_commit(hr_outfile *f)
{
    err_clear();
    if (!f) return err_set(HR_EINVAL, "hr_outfile_commit: NULL");
    return atomic_commit(f);
}

void hr_outfile_abort(hr_outfile *f) { atomic_abort(f); }
