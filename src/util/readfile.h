/* readfile.h — a small text file read whole, safely (private). */
#ifndef HR_READFILE_H
#define HR_READFILE_H
#include <stddef.h>

/* The bytes of path into *buf (mem_alloc'd, NUL-terminated, *len bytes
 * before the NUL). Never blocks on a FIFO nobody writes (it reads as
 * empty); a directory is HR_EIO; a NUL byte (a binary file, /dev/zero) is
 * HR_EFORMAT "path:LINE: binary data" as soon as it is read; more than max
 * bytes is HR_EFORMAT. Errors name path; HR_ENOMEM. */
int read_text_file(const char *path, size_t max, char **buf, size_t *len);
#endif
