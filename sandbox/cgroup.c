/* cgroup.c - one cgroup per worker, where the host lets us make one.
 *
 * Two hierarchies are tried, each independently:
 *   - cgroup v2 (/sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid
 *     host): a directory wsbx/<name>; the worker is born in it through
 *     CLONE_INTO_CGROUP, it gives BPF a cgroup id per worker, and where
 *     the memory and pids controllers are enabled it carries memory.max,
 *     memory.swap.max 0, memory.oom.group and pids.max;
 *   - cgroup v1 memory and pids controllers, when v2 does not have them:
 *     wsbx/<name> in each, the limits written there; the parent opens
 *     their tasks files before the clone and the worker, still one thread
 *     and running only wsbx's code, moves itself in through them before
 *     anything else (see wsbx_cgroup_v1_join for why not the parent).
 * Whatever cannot be made is left out: the caller learns from the result
 * what exists (and jail.c says so once). OOM kills are read back from
 * memory.events (v2) or memory.oom_control (v1). Teardown removes the
 * directories once the worker is reaped; a wsbx parent is left in place
 * for the next worker.
 */
#include "sandbox_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const v2_roots[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };

static bool is_v2_root(const char *root)
{
        char p[128];

        snprintf(p, sizeof p, "%s/cgroup.subtree_control", root);
        return access(p, F_OK) == 0;
}

static int write_str(const char *dir, const char *file, const char *val)
{
        char p[WSBX_CGROUP_PATH_MAX + 64];
        ssize_t len = (ssize_t)strlen(val);
        int fd, rc = 0;

        snprintf(p, sizeof p, "%s/%s", dir, file);
        fd = open(p, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (write(fd, val, (size_t)len) != len)
                rc = -errno;
        close(fd);
        return rc;
}

static int read_str(const char *dir, const char *file, char *buf, size_t size)
{
        char p[WSBX_CGROUP_PATH_MAX + 64];
        ssize_t n;
        int fd;

        snprintf(p, sizeof p, "%s/%s", dir, file);
        fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        n = read(fd, buf, size - 1);
        close(fd);
        if (n < 0)
                return -errno;
        buf[n] = 0;
        return 0;
}

/* Makes root/wsbx and root/wsbx/name; "" in out when it cannot. */
static void make_dir(const char *root, const char *name, char *out)
{
        char p[WSBX_CGROUP_PATH_MAX];

        out[0] = 0;
        snprintf(p, sizeof p, "%s/wsbx", root);
        if (mkdir(p, 0755) < 0 && errno != EEXIST)
                return;
        snprintf(p, sizeof p, "%s/wsbx/%s", root, name);
        if (mkdir(p, 0755) < 0)
                return;
        memcpy(out, p, sizeof p);
}

static bool has_controller(const char *dir, const char *ctl)
{
        char buf[512], *tok, *save = NULL;

        if (read_str(dir, "cgroup.controllers", buf, sizeof buf))
                return false;
        for (tok = strtok_r(buf, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save))
                if (!strcmp(tok, ctl))
                        return true;
        return false;
}

int wsbx_cgroup_create(const char *name, uint64_t memory_max, uint32_t pids_max, wsbx_cgroup *cg)
{
        char num[32];
        struct stat st;

        memset(cg, 0, sizeof *cg);
        cg->v2_fd = -1;
        for (size_t i = 0; i < sizeof v2_roots / sizeof v2_roots[0] && !cg->v2[0]; i++)
                if (is_v2_root(v2_roots[i]))
                        make_dir(v2_roots[i], name, cg->v2);
        if (cg->v2[0]) {
                cg->v2_fd = open(cg->v2, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (cg->v2_fd >= 0 && fstat(cg->v2_fd, &st) == 0)
                        cg->id = (uint64_t)st.st_ino;
                if (memory_max && has_controller(cg->v2, "memory")) {
                        snprintf(num, sizeof num, "%llu", (unsigned long long)memory_max);
                        if (!write_str(cg->v2, "memory.max", num)) {
                                write_str(cg->v2, "memory.swap.max", "0");
                                write_str(cg->v2, "memory.oom.group", "1");
                                cg->limits |= WSBX_CGROUP_MEMORY;
                        }
                }
                if (pids_max && has_controller(cg->v2, "pids")) {
                        snprintf(num, sizeof num, "%u", pids_max);
                        if (!write_str(cg->v2, "pids.max", num))
                                cg->limits |= WSBX_CGROUP_PIDS;
                }
        }
        if (memory_max && !(cg->limits & WSBX_CGROUP_MEMORY)) {
                make_dir("/sys/fs/cgroup/memory", name, cg->v1_mem);
                snprintf(num, sizeof num, "%llu", (unsigned long long)memory_max);
                if (cg->v1_mem[0] && !write_str(cg->v1_mem, "memory.limit_in_bytes", num)) {
                        /* May fail without swap accounting; the limit holds anyway. */
                        write_str(cg->v1_mem, "memory.memsw.limit_in_bytes", num);
                        cg->limits |= WSBX_CGROUP_MEMORY;
                }
        }
        if (pids_max && !(cg->limits & WSBX_CGROUP_PIDS)) {
                make_dir("/sys/fs/cgroup/pids", name, cg->v1_pids);
                snprintf(num, sizeof num, "%u", pids_max);
                if (cg->v1_pids[0] && !write_str(cg->v1_pids, "pids.max", num))
                        cg->limits |= WSBX_CGROUP_PIDS;
        }
        return cg->v2[0] || cg->v1_mem[0] || cg->v1_pids[0] ? 0 : -ENOTSUP;
}

int wsbx_cgroup_v1_open(const wsbx_cgroup *cg, int fds[2])
{
        const char *dirs[2] = { cg->v1_mem, cg->v1_pids };
        char p[WSBX_CGROUP_PATH_MAX + 8];

        fds[0] = fds[1] = -1;
        for (int i = 0; i < 2; i++) {
                if (!dirs[i][0])
                        continue;
                snprintf(p, sizeof p, "%s/tasks", dirs[i]);
                fds[i] = open(p, O_WRONLY | O_CLOEXEC);
                if (fds[i] < 0) {
                        int rc = -errno;
                        wsbx_cgroup_v1_close(fds);
                        return rc;
                }
        }
        return 0;
}

int wsbx_cgroup_v1_join(int fds[2])
{
        int rc = 0;

        /* "0" in tasks moves the calling thread, which the kernel does
         * without the global threadgroup lock that moving another
         * process by pid takes (and that waits for an RCU grace period
         * unless the hierarchy favours dynamic changes). The worker is
         * one thread when it does this. */
        for (int i = 0; i < 2; i++)
                if (fds[i] >= 0 && !rc && write(fds[i], "0", 1) != 1)
                        rc = -errno;
        wsbx_cgroup_v1_close(fds);
        return rc;
}

void wsbx_cgroup_v1_close(int fds[2])
{
        for (int i = 0; i < 2; i++) {
                if (fds[i] >= 0)
                        close(fds[i]);
                fds[i] = -1;
        }
}

static long counter(const char *dir, const char *file, const char *key)
{
        char buf[1024], *s;
        size_t kl = strlen(key);

        if (!dir[0] || read_str(dir, file, buf, sizeof buf))
                return 0;
        for (s = buf; s && *s; s = strchr(s, '\n'), s = s ? s + 1 : NULL)
                if (!strncmp(s, key, kl) && s[kl] == ' ')
                        return strtol(s + kl + 1, NULL, 10);
        return 0;
}

bool wsbx_cgroup_oom_killed(const wsbx_cgroup *cg)
{
        if ((cg->limits & WSBX_CGROUP_MEMORY) && cg->v1_mem[0])
                return counter(cg->v1_mem, "memory.oom_control", "oom_kill") > 0;
        return counter(cg->v2, "memory.events", "oom_kill") > 0;
}

void wsbx_cgroup_destroy(wsbx_cgroup *cg)
{
        if (cg->v2_fd >= 0)
                close(cg->v2_fd);
        cg->v2_fd = -1;
        if (cg->v2[0])
                rmdir(cg->v2);
        if (cg->v1_mem[0])
                rmdir(cg->v1_mem);
        if (cg->v1_pids[0])
                rmdir(cg->v1_pids);
        cg->v2[0] = cg->v1_mem[0] = cg->v1_pids[0] = 0;
}
