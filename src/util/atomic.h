/* atomic.h — output files and directories that readers see either whole or
 * not at all (private; hr_outfile_* in headroom.h is the public face).
 *
 * A file is written under a temporary name beside its final one: an unnamed
 * O_TMPFILE inode where the file system has them (a kill leaves nothing),
 * else ".NAME.tmp-PID-N" opened with O_EXCL; on commit the data is flushed
 * and fsync'd, linked/renamed over NAME and the directory fsync'd. A
 * directory is built as ".NAME.tmp-PID-N" beside NAME and exchanged with
 * NAME by one renameat2(RENAME_EXCHANGE), so NAME always holds one complete
 * result; the old one, then under the temporary name, is removed.
 * Temporaries whose writing process is gone (killed) are removed by the
 * next open of the same NAME. Thread-safe (no shared state). */
#ifndef HR_ATOMIC_H
#define HR_ATOMIC_H
#include <stddef.h>
#include <stdio.h>

typedef struct hr_outfile atomic_file;

/* Start writing path; *out owns a stream (atomic_stream). Errors: HR_EINVAL,
 * HR_EIO ("path: reason"), HR_ENOMEM. */
int atomic_open(const char *path, atomic_file **out);
FILE *atomic_stream(atomic_file *a);
/* Flush, fsync, rename into place, fsync the directory; frees a. A write
 * error at any step (a full disk: "No space left on device") is HR_EIO
 * naming the path, with the temporary removed and path untouched. */
int atomic_commit(atomic_file *a);
/* Drop the temporary, leave path untouched; frees a. NULL: no-op. */
void atomic_abort(atomic_file *a);
/* atomic_open + fwrite of buf[0..len) + atomic_commit. */
int atomic_write(const char *path, const void *buf, size_t len);

/* Remove a directory of the caller's (its files first); 0 on success. */
typedef int (*atomic_rmdir_fn)(const char *dir);
/* A new empty directory beside dir to build the next dir in (*tmp, to
 * mem_free), after removing with rm the temporaries of dir whose process is
 * gone. Errors: HR_EIO, HR_ENOMEM. */
int atomic_dir_begin(const char *dir, atomic_rmdir_fn rm, char **tmp);
/* Put tmp in place as dir (exchanged with an existing dir, whose content
 * is then removed with rm). On error tmp is left for the caller. */
int atomic_dir_commit(const char *tmp, const char *dir, atomic_rmdir_fn rm);
#endif
