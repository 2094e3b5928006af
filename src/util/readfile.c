/* readfile.c — read_text_file (readfile.h). */
#include "util/readfile.h"
#include "util/error.h"
#include "util/mem.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int read_text_file(const char *path, size_t max, char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return err_set(HR_EIO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        return err_set(HR_EIO, "%s: is a directory", path);
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl != -1) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    size_t cap = 1 << 16, n = 0;
    char *b = mem_alloc(cap);
    int st_ = b ? HR_OK : err_set(HR_ENOMEM, "%s: out of memory", path);
    while (!st_) {
        if (n + 1 == cap) {
            if (cap > max) {
                st_ = err_set(HR_EFORMAT, "%s: larger than %zu bytes", path, max);
                break;
            }
            char *nb = mem_realloc(b, cap * 2);
            if (!nb) {
                st_ = err_set(HR_ENOMEM, "%s: out of memory", path);
                break;
            }
            b = nb, cap *= 2;
        }
        ssize_t r = read(fd, b + n, cap - n - 1);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            st_ = err_set(HR_EIO, "%s: read error: %s", path, strerror(errno));
            break;
        }
        if (r == 0) break;
        const char *nul = memchr(b + n, '\0', (size_t)r);
        if (nul) {
            size_t line = 1;
            for (const char *p = b; p < nul; p++) line += *p == '\n';
            st_ = err_set(HR_EFORMAT, "%s:%zu: binary data (a NUL byte), not a text file", path, line);
            break;
        }
        n += (size_t)r;
        if (n > max) st_ = err_set(HR_EFORMAT, "%s: larger than %zu bytes", path, max);
    }
    close(fd);
    if (st_) {
        mem_free(b);
        return st_;
    }
    b[n] = '\0';
    *buf = b;
    *len = n;
    return HR_OK;
}
