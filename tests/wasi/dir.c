/* dir.c - directories and names: path_create_directory,
 * path_remove_directory, path_unlink_file, path_rename, path_link,
 * path_symlink, path_readlink, path_filestat_get/set_times and fd_readdir
 * with cookies and short buffers; and their error paths. Run with "."
 * preopened (an empty, writable folder); prints "dir ok". */
#define PROG "dir"
#include "check.h"

static void touch(const char *p)
{
        __wasi_fd_t f;
        EQ(op(p, __WASI_OFLAGS_CREAT, R_RW, &f), 0);
        EQ(put(f, "data"), 0);
        EQ(__wasi_fd_close(f), 0);
}

/* Reads every entry of directory fd with a buffer of bufsz bytes, asking
 * again from the last complete entry's cookie; returns how many entries
 * it saw and whether `want` was among them (with type `type`). */
static int list(__wasi_fd_t fd, size_t bufsz, const char *want, int type, int *found)
{
        static uint8_t buf[4096];
        __wasi_dircookie_t cookie = 0;
        int count = 0;
        *found = 0;
        for (int rounds = 0; rounds < 1000; rounds++) {
                __wasi_size_t used;
                EQ(__wasi_fd_readdir(fd, buf, bufsz, cookie, &used), 0);
                size_t o = 0;
                int progressed = 0;
                while (o + sizeof(__wasi_dirent_t) <= used) {
                        __wasi_dirent_t d;
                        memcpy(&d, buf + o, sizeof d);
                        if (o + sizeof d + d.d_namlen > used)
                                break; /* cut short: ask again from cookie */
                        const char *name = (const char *)buf + o + sizeof d;
                        if (d.d_namlen == strlen(want) && !memcmp(name, want, d.d_namlen)) {
                                *found = 1;
                                EQ(d.d_type, type);
                        }
                        count++;
                        progressed = 1;
                        cookie = d.d_next;
                        o += sizeof d + d.d_namlen;
                }
                if (used < bufsz)
                        return count;
                CHECK(progressed);
        }
        CHECK(!"fd_readdir did not end");
        return count;
}

int main(void)
{
        __wasi_fd_t f, d;
        __wasi_filestat_t st;
        char buf[64];
        __wasi_size_t n;

        /* mkdir, and its errors */
        EQ(__wasi_path_create_directory(3, "d"), 0);
        EQ(__wasi_path_create_directory(3, "d"), __WASI_ERRNO_EXIST);
        EQ(__wasi_path_create_directory(3, "d/e/"), 0);
        EQ(__wasi_path_create_directory(3, "nope/e"), __WASI_ERRNO_NOENT);
        EQ(__wasi_path_create_directory(3, ""), __WASI_ERRNO_NOENT);
        EQ(__wasi_path_create_directory(3, "d/e/.."), __WASI_ERRNO_EXIST);
        EQ(__wasi_path_filestat_get(3, 0, "d/e", &st), 0);
        EQ(st.filetype, __WASI_FILETYPE_DIRECTORY);

        /* files, unlink, rmdir */
        touch("d/f");
        EQ(__wasi_path_remove_directory(3, "d"), __WASI_ERRNO_NOTEMPTY);
        EQ(__wasi_path_remove_directory(3, "d/f"), __WASI_ERRNO_NOTDIR);
        EQ(__wasi_path_unlink_file(3, "d/e"), __WASI_ERRNO_ISDIR);
        EQ(__wasi_path_unlink_file(3, "d/f/"), __WASI_ERRNO_NOTDIR);
        EQ(__wasi_path_unlink_file(3, "d/missing"), __WASI_ERRNO_NOENT);
        EQ(__wasi_path_remove_directory(3, "d/e/"), 0);
        EQ(__wasi_path_filestat_get(3, 0, "d/e", &st), __WASI_ERRNO_NOENT);

        /* rename: file over file, into a directory, errors */
        touch("g");
        EQ(__wasi_path_rename(3, "g", 3, "d/f"), 0);
        EQ(__wasi_path_filestat_get(3, 0, "g", &st), __WASI_ERRNO_NOENT);
        EQ(__wasi_path_filestat_get(3, 0, "d/f", &st), 0);
        EQ(st.size, 4);
        EQ(__wasi_path_rename(3, "missing", 3, "x"), __WASI_ERRNO_NOENT);
        EQ(__wasi_path_create_directory(3, "d2"), 0);
        EQ(__wasi_path_rename(3, "d/f", 3, "d2"), __WASI_ERRNO_ISDIR);
        EQ(__wasi_path_rename(3, "d2", 3, "d/f"), __WASI_ERRNO_NOTDIR);
        EQ(__wasi_path_rename(3, "d2", 3, "d3"), 0);

        /* hard links */
        EQ(__wasi_path_link(3, 0, "d/f", 3, "hl"), 0);
        EQ(__wasi_path_filestat_get(3, 0, "hl", &st), 0);
        EQ(st.nlink, 2);
        EQ(__wasi_path_link(3, 0, "d/f", 3, "hl"), __WASI_ERRNO_EXIST);
        EQ(__wasi_path_link(3, 0, "d3", 3, "dl"), __WASI_ERRNO_PERM);
        EQ(__wasi_path_link(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "d/f", 3, "hl2"), __WASI_ERRNO_INVAL);

        /* symlinks: create, read, follow or not */
        EQ(__wasi_path_symlink("d/f", 3, "sl"), 0);
        EQ(__wasi_path_symlink("d/f", 3, "sl"), __WASI_ERRNO_EXIST);
        EQ(__wasi_path_readlink(3, "sl", (uint8_t *)buf, sizeof buf, &n), 0);
        EQ(n, 3);
        CHECK(!memcmp(buf, "d/f", 3));
        EQ(__wasi_path_readlink(3, "sl", (uint8_t *)buf, 2, &n), 0); /* cut short */
        EQ(n, 2);
        EQ(__wasi_path_readlink(3, "d/f", (uint8_t *)buf, sizeof buf, &n), __WASI_ERRNO_INVAL);
        EQ(__wasi_path_readlink(3, "missing", (uint8_t *)buf, sizeof buf, &n), __WASI_ERRNO_NOENT);
        EQ(__wasi_path_filestat_get(3, 0, "sl", &st), 0);
        EQ(st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
        EQ(__wasi_path_filestat_get(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "sl", &st), 0);
        EQ(st.filetype, __WASI_FILETYPE_REGULAR_FILE);
        EQ(op("sl", 0, __WASI_RIGHTS_FD_READ, &f), __WASI_ERRNO_LOOP); /* no follow */
        EQ(__wasi_path_open(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "sl", 0, __WASI_RIGHTS_FD_READ, 0, 0, &f), 0);
        EQ(__wasi_fd_close(f), 0);
        EQ(__wasi_path_symlink("d3", 3, "dsl"), 0);
        EQ(__wasi_path_create_directory(3, "dsl/sub"), 0); /* a symlink in the parent is followed */
        EQ(__wasi_path_filestat_get(3, 0, "d3/sub", &st), 0);
        EQ(__wasi_path_remove_directory(3, "dsl"), __WASI_ERRNO_NOTDIR); /* the link, not d3 */
        EQ(__wasi_path_unlink_file(3, "dsl"), 0);
        EQ(__wasi_path_filestat_get(3, 0, "d3", &st), 0);

        /* set times by path, on the link itself or on its target */
        EQ(__wasi_path_filestat_set_times(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "sl", 0, 7000000000ull,
                                          __WASI_FSTFLAGS_MTIM), 0);
        EQ(__wasi_path_filestat_get(3, 0, "d/f", &st), 0);
        EQ(st.mtim, 7000000000ull);
        EQ(__wasi_path_filestat_set_times(3, 0, "sl", 0, 9000000000ull, __WASI_FSTFLAGS_MTIM), 0);
        EQ(__wasi_path_filestat_get(3, 0, "sl", &st), 0);
        EQ(st.mtim, 9000000000ull);
        EQ(__wasi_path_filestat_get(3, 0, "d/f", &st), 0);
        EQ(st.mtim, 7000000000ull);
        EQ(__wasi_path_filestat_set_times(3, 0, "missing", 0, 0, __WASI_FSTFLAGS_MTIM_NOW),
           __WASI_ERRNO_NOENT);
        EQ(__wasi_path_filestat_set_times(3, 0, "d/f", 0, 0, 3), __WASI_ERRNO_INVAL);

        /* readdir: many entries, small buffers, cookies */
        EQ(__wasi_path_create_directory(3, "many"), 0);
        for (int i = 0; i < 60; i++) {
                char name[40];
                snprintf(name, sizeof name, "many/file-with-a-longish-name-%02d", i);
                touch(name);
        }
        EQ(__wasi_path_create_directory(3, "many/subdir"), 0);
        EQ(op("many", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, &d), 0);
        int found;
        EQ(list(d, 4096, "subdir", __WASI_FILETYPE_DIRECTORY, &found), 63); /* with . and .. */
        CHECK(found);
        EQ(list(d, 60, "file-with-a-longish-name-07", __WASI_FILETYPE_REGULAR_FILE, &found), 63);
        CHECK(found);
        EQ(list(3, 256, "sl", __WASI_FILETYPE_SYMBOLIC_LINK, &found), 7); /* ., .., d, d3, hl, sl, many */
        CHECK(found);
        uint8_t tiny[8];
        EQ(__wasi_fd_readdir(d, tiny, sizeof tiny, 0, &n), 0);
        EQ(n, 8); /* a full buffer says "more" */
        EQ(__wasi_fd_close(d), 0);
        EQ(op("d/f", 0, __WASI_RIGHTS_FD_READDIR, &f), 0);
        /* A file never holds FD_READDIR (rights that do not apply to
         * the type opened are dropped), so the call is refused first. */
        EQ(__wasi_fd_readdir(f, tiny, sizeof tiny, 0, &n), __WASI_ERRNO_NOTCAPABLE);
        EQ(__wasi_fd_close(f), 0);
        EQ(op("many", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READ, &d), 0);
        EQ(__wasi_fd_readdir(d, tiny, sizeof tiny, 0, &n), __WASI_ERRNO_NOTCAPABLE);
        EQ(__wasi_path_create_directory(d, "x"), __WASI_ERRNO_NOTCAPABLE);
        EQ(__wasi_path_unlink_file(d, "file-with-a-longish-name-01"), __WASI_ERRNO_NOTCAPABLE);
        EQ(__wasi_fd_close(d), 0);
        EQ(__wasi_fd_readdir(77, tiny, sizeof tiny, 0, &n), __WASI_ERRNO_BADF);
        EQ(__wasi_path_create_directory(77, "x"), __WASI_ERRNO_BADF);

        /* a descriptor on a subdirectory works beneath it */
        EQ(__wasi_path_open(3, 0, "d", __WASI_OFLAGS_DIRECTORY, RW_ALL & ~__WASI_RIGHTS_FD_WRITE, RW_ALL, 0, &d), 0);
        EQ(__wasi_path_filestat_get(d, 0, "f", &st), 0);
        EQ(__wasi_path_rename(d, "f", 3, "moved"), 0);
        EQ(__wasi_path_filestat_get(3, 0, "moved", &st), 0);
        EQ(__wasi_fd_close(d), 0);

        return done("dir ok\n");
}
