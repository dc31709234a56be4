/* cmd_cache.c - `wsbx cache stats|clear|dir`: the compile cache.
 *
 * The cache itself is engine/cache.c; `wsbx run` fills and reads it
 * (cli_load_artifact in util.c). Counters are kept in the cache directory
 * and shared by every wsbx process using it.
 */
#include "cli.h"

#include <errno.h>
#include <string.h>

static int run(int argc, char **argv)
{
        const char *sub = NULL;
        for (int i = 1; i < argc; i++) {
                if (cli_is_help(argv[i])) {
                        cli_print_help(&cli_cache);
                        return CLI_EXIT_OK;
                }
                if (argv[i][0] == '-')
                        return cli_usage("cache", "unknown option '%s'", argv[i]);
                if (sub)
                        return cli_usage("cache", "one action at a time");
                sub = argv[i];
        }
        if (!sub)
                return cli_usage("cache", "no action (stats, clear or dir)");
        if (strcmp(sub, "stats") != 0 && strcmp(sub, "clear") != 0 && strcmp(sub, "dir") != 0)
                return cli_usage("cache", "unknown action '%s'", sub);
        char dir[4096];
        int rc = wsbx_cache_default_dir(dir, sizeof dir);
        if (rc < 0) {
                fprintf(stderr, "wsbx: cache: no directory: %s\n",
                        rc == -ENOENT ? "neither XDG_CACHE_HOME nor HOME is set" : strerror(-rc));
                return CLI_EXIT_FAIL;
        }
        if (strcmp(sub, "dir") == 0) {
                printf("%s\n", dir);
                return CLI_EXIT_OK;
        }
        wsbx_cache *c;
        rc = wsbx_cache_open(dir, 0, &c);
        if (rc < 0) {
                fprintf(stderr, "wsbx: cache: %s: %s\n", dir, strerror(-rc));
                return CLI_EXIT_FAIL;
        }
        if (strcmp(sub, "clear") == 0) {
                rc = wsbx_cache_clear(c);
                if (rc < 0)
                        fprintf(stderr, "wsbx: cache: clearing %s: %s\n", dir, strerror(-rc));
                else
                        printf("cleared %s\n", dir);
        } else {
                wsbx_cache_stats st;
                rc = wsbx_cache_stats_get(c, &st);
                if (rc < 0) {
                        fprintf(stderr, "wsbx: cache: %s: %s\n", dir, strerror(-rc));
                } else {
                        printf("directory: %s\n", dir);
                        printf("entries:   %llu\n", (unsigned long long)st.entries);
                        printf("bytes:     %llu (limit %llu)\n", (unsigned long long)st.bytes,
                               (unsigned long long)st.max_bytes);
                        printf("hits:      %llu\n", (unsigned long long)st.hits);
                        printf("misses:    %llu\n", (unsigned long long)st.misses);
                        printf("stores:    %llu\n", (unsigned long long)st.stores);
                        printf("evictions: %llu\n", (unsigned long long)st.evictions);
                        printf("refused:   %llu\n", (unsigned long long)st.refused);
                }
        }
        wsbx_cache_close(c);
        return rc < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

const cli_command cli_cache = {
        .name = "cache",
        .summary = "Show or clear the compile cache",
        .help =
        "Usage: wsbx cache stats|clear|dir\n"
        "\n"
        "'wsbx run' keeps the artifacts it compiles from .wasm/.wat files in a\n"
        "cache ($XDG_CACHE_HOME/wsbx, else ~/.cache/wsbx), keyed by a SHA-256 of\n"
        "the module bytes, the compile settings, the CPU's features and the wsbx\n"
        "version, so a second run does not compile. Entries are verified like any\n"
        "artifact before use; a refused entry is removed and compiled again. The\n"
        "total size is bounded by $WSBX_CACHE_SIZE (bytes, or with a K/M/G\n"
        "suffix; default 1G), least recently used entries evicted first.\n"
        "\n"
        "Actions:\n"
        "  stats   Entries, bytes, and hit/miss/store/eviction/refusal counters\n"
        "  clear   Remove every entry and reset the counters\n"
        "  dir     Print the cache directory\n"
        "\n"
        "Exit status: 0 done, 1 the cache cannot be opened or cleared, 2 usage error.\n",
        .run = run,
};
