/* util.c - what every subcommand shares: reading files, printing engine
 * errors in one format, usage errors, and quoting names for text and JSON.
 *
 * Files are read whole, up to CLI_FILE_MAX, through read(2) in a loop so
 * that pipes and /proc files (whose st_size lies) work too; the buffer is
 * NUL-terminated one byte past the data so text parsers may rely on it.
 */
#include "cli.h"
#include "loader.h"
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

bool cli_read_file(const char *path, uint8_t **out, size_t *len)
{
        int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                fprintf(stderr, "wsbx: %s: %s\n", path, strerror(errno));
                return false;
        }
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
                fprintf(stderr, "wsbx: %s: is a directory\n", path);
                close(fd);
                return false;
        }
        /* A regular file gets room for its size plus the NUL plus one
         * byte, so the read that finds EOF needs no second buffer; pipes
         * grow by doubling. Either way at most CLI_FILE_MAX + 1 bytes are
         * read, and the extra byte is what tells "too large" apart. */
        size_t cap = 1 << 16, n = 0;
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
                if ((uint64_t)st.st_size > CLI_FILE_MAX) {
                        fprintf(stderr, "wsbx: %s: file too large (%lld bytes, limit %zu)\n", path,
                                (long long)st.st_size, CLI_FILE_MAX);
                        close(fd);
                        return false;
                }
                cap = (size_t)st.st_size + 2;
        }
        uint8_t *buf = malloc(cap);
        bool ok = buf != NULL;
        while (ok) {
                if (n > CLI_FILE_MAX) {
                        fprintf(stderr, "wsbx: %s: file too large (limit %zu bytes)\n", path, CLI_FILE_MAX);
                        ok = false;
                        break;
                }
                if (n + 1 >= cap) {
                        size_t ncap = cap * 2 < CLI_FILE_MAX + 2 ? cap * 2 : CLI_FILE_MAX + 2;
                        uint8_t *nb = realloc(buf, ncap);
                        if (!nb) {
                                fprintf(stderr, "wsbx: %s: out of memory\n", path);
                                ok = false;
                                break;
                        }
                        buf = nb;
                        cap = ncap;
                }
                ssize_t r = read(fd, buf + n, cap - 1 - n);
                if (r < 0) {
                        if (errno == EINTR)
                                continue;
                        fprintf(stderr, "wsbx: %s: %s\n", path, strerror(errno));
                        ok = false;
                        break;
                }
                if (r == 0)
                        break;
                n += (size_t)r;
        }
        if (!buf)
                fprintf(stderr, "wsbx: %s: out of memory\n", path);
        if (fd != STDIN_FILENO)
                close(fd);
        if (!ok) {
                free(buf);
                return false;
        }
        buf[n] = 0;
        *out = buf;
        *len = n;
        return true;
}

bool cli_decode_module(const char *path, const uint8_t *bytes, size_t len, wsbx_module **out)
{
        wsbx_error err = {0};
        *out = NULL;
        if (wsbx_module_load(bytes, len, NULL, out, &err) != WSBX_OK) {
                cli_print_error(stderr, path, &err);
                return false;
        }
        return true;
}

static void log_line(const char *msg)
{
        fprintf(stderr, "%s\n", msg);
}

struct jailed_job {
        const char *path;
        const uint8_t *bytes;
        size_t len;
        int (*use)(const char *path, const wsbx_module *m, void *ctx);
        void *ctx;
};

/* In the jailed child. */
static int jailed_job_run(void *p)
{
        struct jailed_job *j = p;
        wsbx_module *m;
        if (!cli_decode_module(j->path, j->bytes, j->len, &m))
                return CLI_EXIT_FAIL;
        int rc = j->use(j->path, m, j->ctx);
        wsbx_module_delete(m);
        return rc;
}

int cli_jailed_module(const char *path, int (*use)(const char *path, const wsbx_module *m, void *ctx), void *ctx)
{
        uint8_t *bytes;
        size_t len;
        if (!cli_read_file(path, &bytes, &len))
                return CLI_EXIT_FAIL;
        struct jailed_job j = {path, bytes, len, use, ctx};
        char why[WSBX_STATUS_MSG_MAX];
        int rc = wsbx_run_jailed(jailed_job_run, &j, log_line, why, sizeof why);
        free(bytes);
        if (rc < 0) {
                fprintf(stderr, "wsbx: %s: %s\n", path, why);
                return CLI_EXIT_FAIL;
        }
        return rc;
}

/* ---- the module-loading path: artifact files, compile cache, worker ---- */

/* Whether the artifact in fd verifies on this machine (hostile bytes:
 * a cache entry is a file anyone with our uid could have written). */
static bool artifact_ok(int fd, char *why, size_t size)
{
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
                snprintf(why, size, "not a regular non-empty file");
                return false;
        }
        void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
                snprintf(why, size, "%s", strerror(errno));
                return false;
        }
        wsbx_artifact a;
        wsbx_lerr le = {{0}};
        bool ok = wsbx_artifact_open(map, (size_t)st.st_size, wsbx_cpu_features(), &a, &le) == 0;
        if (ok)
                wsbx_artifact_close(&a);
        else
                snprintf(why, size, "%s", le.msg);
        munmap(map, (size_t)st.st_size);
        return ok;
}

static wsbx_cache *open_cache(void)
{
        static bool warned;
        char dir[4096];
        wsbx_cache *c = NULL;
        if (wsbx_cache_default_dir(dir, sizeof dir) < 0)
                return NULL; /* no XDG_CACHE_HOME or HOME: no cache, quietly */
        int rc = wsbx_cache_open(dir, 0, &c);
        if (rc < 0 && !warned) {
                fprintf(stderr, "wsbx: compile cache %s unavailable (%s); compiling without it\n", dir,
                        strerror(-rc));
                warned = true;
        }
        return rc < 0 ? NULL : c;
}

int cli_artifact_from_bytes(const char *path, const uint8_t *bytes, size_t len, const cli_load_opts *o)
{
        static const cli_load_opts defaults = {0};
        if (!o)
                o = &defaults;
        wsbx_cache *cache = o->no_cache ? NULL : open_cache();
        uint8_t key[32];
        int fd;
        if (cache) {
                wsbx_cache_key(bytes, len, o->compile, wsbx_cpu_features(), key);
                fd = wsbx_cache_get(cache, key);
                if (fd >= 0) {
                        char why[300];
                        if (artifact_ok(fd, why, sizeof why)) {
                                wsbx_cache_close(cache);
                                return fd;
                        }
                        /* Never trusted: a refused entry is dropped and
                         * compiled again. */
                        fprintf(stderr, "wsbx: %s: cache entry refused (%s); compiling again\n", path, why);
                        close(fd);
                        wsbx_cache_remove(cache, key);
                        wsbx_cache_count_refused(cache);
                }
        }
        wsbx_compile_worker_opts wo = {.compile = o->compile, .no_sandbox = o->no_sandbox, .log = log_line};
        wsbx_error err;
        int rc = wsbx_compile_in_worker(bytes, len, &wo, &fd, &err);
        if (rc != 0) {
                if (rc > 0)
                        cli_print_error(stderr, path, &err);
                else
                        fprintf(stderr, "wsbx: %s: %s\n", path, err.msg);
                wsbx_cache_close(cache);
                return -1;
        }
        struct stat st;
        if (cache && fstat(fd, &st) == 0)
                wsbx_cache_put_fd(cache, key, fd, (uint64_t)st.st_size); /* best effort */
        wsbx_cache_close(cache);
        return fd;
}

/* The compile worker of `wsbx wast`: one per process, spawned on first
 * use, killed at exit. */
static wsbx_compile_worker *script_worker;

static void close_script_worker(void)
{
        wsbx_compile_worker_close(script_worker);
        script_worker = NULL;
}

int cli_compile_script_module(const uint8_t *bytes, size_t len, bool text, bool no_sandbox, wsbx_error *err)
{
        int fd = -1;
        if (!script_worker) {
                /* Spec modules are small: one thread each. */
                static const wsbx_compile_opts one_thread = {.threads = 1};
                wsbx_compile_worker_opts wo = {.compile = &one_thread, .no_sandbox = no_sandbox, .log = log_line};
                int rc = wsbx_compile_worker_open(&wo, &script_worker);
                if (rc < 0) {
                        wsbx_error_set(err, WSBX_ERR_IO, SIZE_MAX, "compile worker: %s", strerror(-rc));
                        return -1;
                }
                atexit(close_script_worker);
        }
        int rc = wsbx_compile_worker_compile_as(script_worker, bytes, len,
                                                text ? WSBX_COMPILE_TEXT : WSBX_COMPILE_BINARY, &fd, err);
        return rc == 0 ? fd : -1;
}

int cli_load_artifact(const char *path, const cli_load_opts *o)
{
        if (strcmp(path, "-") != 0) {
                int fd = open(path, O_RDONLY | O_CLOEXEC);
                if (fd < 0) {
                        fprintf(stderr, "wsbx: %s: %s\n", path, strerror(errno));
                        return -1;
                }
                struct stat st;
                uint8_t magic[4];
                if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && pread(fd, magic, 4, 0) == 4 &&
                    cli_is_artifact(magic, 4))
                        return fd; /* mapped by the loader, never copied */
                close(fd);
        }
        uint8_t *bytes;
        size_t len;
        if (!cli_read_file(path, &bytes, &len))
                return -1;
        int fd;
        if (cli_is_artifact(bytes, len)) {
                /* An artifact on standard input: into a sealed memfd. */
                fd = wsbx_memfd_from_bytes(bytes, len, "wsbx-artifact");
                if (fd < 0) {
                        fprintf(stderr, "wsbx: %s: %s\n", path, strerror(-fd));
                        fd = -1;
                }
        } else {
                fd = cli_artifact_from_bytes(path, bytes, len, o);
        }
        free(bytes);
        return fd;
}

void cli_format_error(char *buf, size_t size, const wsbx_error *err)
{
        const char *kind = wsbx_errkind_name(err->kind);
        size_t kl = strlen(kind);
        /* Limit errors already name their kind ("limit exceeded: ..."). */
        if (strncmp(err->msg, kind, kl) == 0 && (err->msg[kl] == ':' || err->msg[kl] == 0))
                snprintf(buf, size, "%s", err->msg);
        else
                snprintf(buf, size, "%s: %s", kind, err->msg);
}

void cli_print_error(FILE *f, const char *file, const wsbx_error *err)
{
        char what[WSBX_ERROR_MSG_MAX + 64];
        cli_format_error(what, sizeof what, err);
        if (err->line)
                fprintf(f, "%s:%u:%u: %s\n", file, err->line, err->col, what);
        else if (err->offset != SIZE_MAX)
                fprintf(f, "%s:0x%zx: %s\n", file, err->offset, what);
        else
                fprintf(f, "%s: %s\n", file, what);
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "wsbx%s%s: ", cmd ? " " : "", cmd ? cmd : "");
        vfprintf(stderr, fmt, ap);
        fprintf(stderr, " (see 'wsbx %s%s--help')\n", cmd ? cmd : "", cmd ? " " : "");
        va_end(ap);
        return CLI_EXIT_USAGE;
}

bool cli_is_help(const char *arg)
{
        return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

void cli_print_help(const cli_command *c)
{
        fputs(c->help, stdout);
}

/* Length of a well-formed UTF-8 sequence at p, or 0. */
static size_t utf8_len(const unsigned char *p, size_t left)
{
        unsigned char c = p[0];
        size_t n;
        uint32_t cp, min;
        if (c < 0x80)
                return 1;
        if (c >= 0xc2 && c <= 0xdf)
                n = 2, cp = c & 0x1f, min = 0x80;
        else if (c >= 0xe0 && c <= 0xef)
                n = 3, cp = c & 0x0f, min = 0x800;
        else if (c >= 0xf0 && c <= 0xf4)
                n = 4, cp = c & 0x07, min = 0x10000;
        else
                return 0;
        if (left < n)
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((p[i] & 0xc0) != 0x80)
                        return 0;
                cp = cp << 6 | (p[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        return n;
}

void cli_put_json_string(FILE *f, const char *p, size_t len)
{
        const unsigned char *s = (const unsigned char *)p;
        fputc('"', f);
        for (size_t i = 0; i < len;) {
                unsigned char c = s[i];
                if (c == '"' || c == '\\') {
                        fprintf(f, "\\%c", c);
                        i++;
                } else if (c < 0x20 || c == 0x7f) {
                        fprintf(f, "\\u%04x", c);
                        i++;
                } else if (c < 0x80) {
                        fputc(c, f);
                        i++;
                } else {
                        size_t n = utf8_len(s + i, len - i);
                        if (n) {
                                fwrite(s + i, 1, n, f);
                                i += n;
                        } else {
                                fputs("\\ufffd", f);
                                i++;
                        }
                }
        }
        fputc('"', f);
}

void cli_put_name(FILE *f, const char *p, size_t len)
{
        const unsigned char *s = (const unsigned char *)p;
        fputc('"', f);
        for (size_t i = 0; i < len;) {
                unsigned char c = s[i];
                size_t n = c >= 0x80 ? utf8_len(s + i, len - i) : 1;
                if (c == '"' || c == '\\') {
                        fprintf(f, "\\%c", c);
                } else if (c < 0x20 || c == 0x7f || n == 0) {
                        /* The text format's own escape, so output can be
                         * pasted back into a .wat file. */
                        fprintf(f, "\\%02x", c);
                } else {
                        fwrite(s + i, 1, n, f);
                        i += n;
                        continue;
                }
                i++;
        }
        fputc('"', f);
}
