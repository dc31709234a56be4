/* escape.c - no guest path leaves its preopen. run.sh prepares, in the
 * preopened folder: out -> ../secret.d (a directory outside), outf ->
 * ../secret.txt, abs -> an absolute path outside, dangling -> ../nowhere,
 * loop -> loop, up -> .., magic -> /proc/self/cwd (a magic link), fdl ->
 * /proc/self/fd/0, in -> sub (a link that stays inside) and the folder
 * sub/; argv[1] is the absolute path of the folder around the preopen.
 * Every target lies in that folder (magic/.. included), so even a runtime
 * that let a path out could only touch the test's own files. Every way out
 * (.., absolute paths, links out, dangling, looping, magic links, the
 * same through a subdirectory descriptor) must fail, through every
 * function that takes a path; run.sh then checks that nothing outside
 * changed. Prints "escape ok". */
#define PROG "escape"
#include "check.h"

static const char *out_paths[] = {
        "..", "../secret.txt", "sub/../../secret.txt", "out/x", "outf", "abs", "abs/x",
        "up/secret.txt", "magic", "magic/../secret.txt", "fdl", "in/../../secret.txt", "dangling",
        NULL, NULL, /* argv[1], argv[1]/secret.txt */
};
#define NOUT (sizeof out_paths / sizeof out_paths[0])

/* A path that leaves is refused with EPERM (RESOLVE_BENEATH's EXDEV),
 * ELOOP (a magic link, or a loop), ENOENT/ENOTDIR/EXIST (the name
 * itself is a link inside) - never success. */
static void refused(__wasi_errno_t e, const char *what, const char *path)
{
        if (e == 0) {
                fprintf(stderr, "escape: %s(\"%s\") succeeded\n", what, path);
                failed();
        }
}

int main(int argc, char **argv)
{
        __wasi_fd_t f;
        static char abs_secret[1024];
        CHECK(argc == 2 && argv[1][0] == '/');
        snprintf(abs_secret, sizeof abs_secret, "%s/secret.txt", argv[1]);
        out_paths[NOUT - 2] = argv[1];
        out_paths[NOUT - 1] = abs_secret;
        __wasi_filestat_t st;
        char buf[256];
        __wasi_size_t n;

        /* the specific errors of the classic cases */
        EQ(op("../secret.txt", 0, __WASI_RIGHTS_FD_READ, &f), __WASI_ERRNO_PERM);
        EQ(op(abs_secret, 0, __WASI_RIGHTS_FD_READ, &f), __WASI_ERRNO_PERM);
        EQ(__wasi_path_open(3, 1, "outf", 0, __WASI_RIGHTS_FD_READ, 0, 0, &f), __WASI_ERRNO_PERM);
        EQ(__wasi_path_open(3, 1, "abs", 0, __WASI_RIGHTS_FD_READ, 0, 0, &f), __WASI_ERRNO_PERM);
        EQ(__wasi_path_open(3, 1, "loop", 0, __WASI_RIGHTS_FD_READ, 0, 0, &f), __WASI_ERRNO_LOOP);
        EQ(__wasi_path_open(3, 1, "magic", 0, __WASI_RIGHTS_FD_READ, 0, 0, &f), __WASI_ERRNO_PERM);
        EQ(__wasi_path_open(3, 1, "dangling", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &f),
           __WASI_ERRNO_PERM);
        EQ(__wasi_path_create_directory(3, "out/x"), __WASI_ERRNO_PERM);
        EQ(__wasi_path_create_directory(3, "../x"), __WASI_ERRNO_PERM);
        EQ(__wasi_path_unlink_file(3, "../secret.txt"), __WASI_ERRNO_PERM);
        EQ(__wasi_path_symlink("../x", 3, "out/y"), __WASI_ERRNO_PERM);
        EQ(__wasi_path_symlink(abs_secret, 3, "newabs"), __WASI_ERRNO_PERM);
        EQ(__wasi_path_link(3, 0, "../secret.txt", 3, "hl"), __WASI_ERRNO_PERM);
        EQ(__wasi_path_rename(3, "../secret.txt", 3, "stolen"), __WASI_ERRNO_PERM);
        EQ(__wasi_path_rename(3, "sub", 3, "../moved"), __WASI_ERRNO_PERM);
        EQ(__wasi_path_readlink(3, "out/", (uint8_t *)buf, sizeof buf, &n), __WASI_ERRNO_PERM);

        /* every function that takes a path, with every way out */
        for (size_t i = 0; i < NOUT; i++) {
                const char *p = out_paths[i];
                for (int follow = 0; follow < 2; follow++) {
                        refused(__wasi_path_open(3, follow, p, 0, __WASI_RIGHTS_FD_READ, 0, 0, &f), "open", p);
                        refused(__wasi_path_open(3, follow, p, __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR,
                                                 0, 0, &f), "opendir", p);
                        if (__wasi_path_filestat_get(3, follow, p, &st) == 0) {
                                /* only the link itself, never its target */
                                CHECK(!follow);
                                EQ(st.filetype, __WASI_FILETYPE_SYMBOLIC_LINK);
                        }
                        __wasi_errno_t e = __wasi_path_filestat_set_times(3, follow, p, 0, 0, __WASI_FSTFLAGS_MTIM_NOW);
                        if (e == 0)
                                CHECK(!follow && __wasi_path_filestat_get(3, 0, p, &st) == 0 &&
                                      st.filetype == __WASI_FILETYPE_SYMBOLIC_LINK);
                }
                refused(__wasi_path_open(3, 1, p, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC,
                                         __WASI_RIGHTS_FD_WRITE, 0, 0, &f), "create", p);
                char sub[300];
                snprintf(sub, sizeof sub, "%s/new", p);
                refused(__wasi_path_create_directory(3, sub), "mkdir", sub);
                refused(__wasi_path_symlink("x", 3, sub), "symlink", sub);
                refused(__wasi_path_link(3, 0, "sub/file", 3, sub), "link to", sub);
                refused(__wasi_path_rename(3, "sub/file", 3, sub), "rename to", sub);
                snprintf(sub, sizeof sub, "%s/secret.txt", p);
                refused(__wasi_path_unlink_file(3, sub), "unlink", sub);
                refused(__wasi_path_rename(3, sub, 3, "stolen"), "rename from", sub);
                refused(__wasi_path_link(3, 0, sub, 3, "stolen"), "link from", sub);
                snprintf(sub, sizeof sub, "%s/", p);
                refused(__wasi_path_readlink(3, sub, (uint8_t *)buf, sizeof buf, &n), "readlink", sub);
                refused(__wasi_path_remove_directory(3, sub), "rmdir", sub);
                refused(__wasi_path_link(3, 0, sub, 3, "stolen"), "link from", sub);
        }
        /* the same from a descriptor on sub/ */
        __wasi_fd_t d;
        EQ(__wasi_path_open(3, 0, "sub", __WASI_OFLAGS_DIRECTORY, RW_ALL & ~__WASI_RIGHTS_FD_WRITE, RW_ALL, 0, &d), 0);
        EQ(__wasi_path_open(d, 0, "../file0", __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &f), __WASI_ERRNO_PERM);
        EQ(__wasi_path_open(d, 0, "../../secret.txt", 0, __WASI_RIGHTS_FD_READ, 0, 0, &f), __WASI_ERRNO_PERM);
        EQ(__wasi_path_create_directory(d, "../escaped"), __WASI_ERRNO_PERM);
        EQ(__wasi_path_unlink_file(d, ".."), __WASI_ERRNO_PERM);
        EQ(__wasi_path_remove_directory(d, ".."), __WASI_ERRNO_PERM);
        EQ(__wasi_path_rename(d, "file", 3, "../x"), __WASI_ERRNO_PERM);
        EQ(__wasi_fd_close(d), 0);
        /* a link that stays inside still works; the preopen root cannot go */
        EQ(__wasi_path_open(3, 1, "in/file", 0, __WASI_RIGHTS_FD_READ, 0, 0, &f), 0);
        EQ(__wasi_fd_close(f), 0);
        EQ(__wasi_path_open(3, 1, "sub/../in/./file", 0, __WASI_RIGHTS_FD_READ, 0, 0, &f), 0);
        EQ(__wasi_fd_close(f), 0);
        refused(__wasi_path_remove_directory(3, "."), "rmdir", ".");
        refused(__wasi_path_remove_directory(3, "sub/.."), "rmdir", "sub/..");
        refused(__wasi_path_rename(3, ".", 3, "sub/x"), "rename", ".");
        /* the links that lead out, removed from inside: only the links go */
        EQ(__wasi_path_unlink_file(3, "outf"), 0);
        EQ(__wasi_path_unlink_file(3, "out"), 0);
        return done("escape ok\n");
}
