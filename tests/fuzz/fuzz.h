/* fuzz.h — shared by the libFuzzer harnesses (tests/fuzz/README.md): the
 * input bytes as a file the library can open by name. */
#ifndef HR_FUZZ_H
#define HR_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/* An in-memory file holding data[0..size), its name in path ("/proc/self/fd/N");
 * returns the descriptor (close it after use), -1 on failure. */
static inline int fuzz_file(const uint8_t *data, size_t size, char *path, size_t cap)
{
    int fd = memfd_create("fuzz", MFD_CLOEXEC);
    if (fd < 0) return -1;
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0) {
            close(fd);
            return -1;
        }
        off += (size_t)w;
    }
    snprintf(path, cap, "/proc/self/fd/%d", fd);
    return fd;
}
#endif
