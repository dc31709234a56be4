/* libc.c - the same functions as real programs reach them, through
 * wasi-libc's POSIX layer: stdio files (w, a, r+), stat, mkdir, opendir/
 * readdir, rename, unlink, rmdir, symlink/readlink, truncate, utimensat,
 * access, isatty, nanosleep, errno values. Run with "." preopened (an
 * empty, writable folder); prints "libc ok". */
#define PROG "libc"
#include "check.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int main(void)
{
        FILE *f = fopen("x.txt", "w");
        CHECK(f);
        CHECK(fprintf(f, "line1\n") == 6);
        CHECK(fclose(f) == 0);
        f = fopen("x.txt", "a");
        CHECK(f && fputs("line2\n", f) >= 0 && fclose(f) == 0);
        f = fopen("x.txt", "r+");
        CHECK(f);
        char buf[64] = {0};
        CHECK(fread(buf, 1, sizeof buf - 1, f) == 12 && !strcmp(buf, "line1\nline2\n"));
        CHECK(fseek(f, 0, SEEK_SET) == 0 && fputc('L', f) == 'L' && fclose(f) == 0);
        struct stat st;
        CHECK(stat("x.txt", &st) == 0 && st.st_size == 12 && S_ISREG(st.st_mode));
        CHECK(truncate("x.txt", 5) == 0 && stat("x.txt", &st) == 0 && st.st_size == 5);
        EQ(stat("missing", &st), -1);
        EQ(errno, ENOENT);
        CHECK(access("x.txt", R_OK) == 0);
        CHECK(mkdir("dd", 0755) == 0);
        EQ(mkdir("dd", 0755), -1);
        EQ(errno, EEXIST);
        CHECK(rename("x.txt", "dd/y.txt") == 0);
        CHECK(symlink("y.txt", "dd/link") == 0);
        char l[32] = {0};
        EQ(readlink("dd/link", l, sizeof l), 5);
        CHECK(!strcmp(l, "y.txt"));
        struct timespec ts[2] = {{100, 0}, {200, 7}};
        CHECK(utimensat(AT_FDCWD, "dd/y.txt", ts, 0) == 0);
        CHECK(stat("dd/link", &st) == 0 && st.st_mtim.tv_sec == 200 && st.st_mtim.tv_nsec == 7);
        DIR *d = opendir("dd");
        CHECK(d);
        int seen = 0;
        struct dirent *e;
        while ((e = readdir(d)))
                seen += !strcmp(e->d_name, "y.txt") * 1 + !strcmp(e->d_name, "link") * 2 +
                        !strcmp(e->d_name, ".") * 4;
        CHECK(closedir(d) == 0);
        EQ(seen, 7);
        EQ(rmdir("dd"), -1);
        EQ(errno, ENOTEMPTY);
        CHECK(unlink("dd/link") == 0 && unlink("dd/y.txt") == 0 && rmdir("dd") == 0);
        EQ(open("../outside", O_RDONLY), -1);
        EQ(errno, EPERM);
        CHECK(!isatty(1)); /* a pipe under run.sh */
        struct timespec nap = {0, 1000000};
        CHECK(nanosleep(&nap, NULL) == 0);
        return done("libc ok\n");
}
