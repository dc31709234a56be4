/* landlock.c - the worker's Landlock ruleset.
 *
 * One ruleset per worker, built in the worker just before no_new_privs and
 * seccomp: every filesystem access right the running ABI knows is handled,
 * and the only rules grant the policy's preopened directories (read-only
 * or read-write); TCP bind and connect are handled with no rule, so both
 * are denied (ABI 4); abstract unix sockets and signals are scoped to the
 * worker's own domain (ABI 6). Rights the kernel does not know are masked
 * off (best effort), since asking for them fails the whole ruleset.
 *
 * The uapi header installed here predates most of these rights, so the
 * constants and the attribute struct are spelled out below with their ABI
 * version; they are kernel ABI and never change. Landlock works through
 * LSM hooks, so it holds for anything that reaches the VFS or the socket
 * layer, io_uring included.
 */
#include "sandbox_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

#define LL_CREATE_RULESET_VERSION (1u << 0)
#define LL_RULE_PATH_BENEATH 1

/* Filesystem rights by ABI: 1 has bits 0-12, 2 adds REFER, 3 TRUNCATE,
 * 5 IOCTL_DEV. */
#define LL_FS_EXECUTE (1ull << 0)
#define LL_FS_WRITE_FILE (1ull << 1)
#define LL_FS_READ_FILE (1ull << 2)
#define LL_FS_READ_DIR (1ull << 3)
#define LL_FS_ABI1 ((1ull << 13) - 1)
#define LL_FS_REFER (1ull << 13)
#define LL_FS_TRUNCATE (1ull << 14)
#define LL_FS_IOCTL_DEV (1ull << 15)
#define LL_NET_BIND_TCP (1ull << 0)     /* ABI 4 */
#define LL_NET_CONNECT_TCP (1ull << 1)
#define LL_SCOPE_ABSTRACT_UNIX (1ull << 0) /* ABI 6 */
#define LL_SCOPE_SIGNAL (1ull << 1)

struct ll_ruleset_attr {
        uint64_t handled_access_fs;
        uint64_t handled_access_net;
        uint64_t scoped;
};

struct ll_path_beneath {
        uint64_t allowed_access;
        int32_t parent_fd;
} __attribute__((packed));

int wsbx_landlock_abi(void)
{
        long v = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
        return v < 0 ? 0 : (int)v;
}

static uint64_t fs_rights(int abi)
{
        uint64_t r = LL_FS_ABI1;

        if (abi >= 2)
                r |= LL_FS_REFER;
        if (abi >= 3)
                r |= LL_FS_TRUNCATE;
        if (abi >= 5)
                r |= LL_FS_IOCTL_DEV;
        return r;
}

int wsbx_landlock_apply(const wsbx_jail_policy *p)
{
        int abi = wsbx_landlock_abi();
        struct ll_ruleset_attr attr = { 0 };
        size_t attr_size;
        int rs, err = 0;

        if (abi <= 0)
                return -EOPNOTSUPP;
        attr.handled_access_fs = fs_rights(abi);
        attr_size = sizeof attr.handled_access_fs;
        if (abi >= 4) {
                attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
                attr_size = 2 * sizeof(uint64_t);
        }
        if (abi >= 6) {
                attr.scoped = LL_SCOPE_ABSTRACT_UNIX | LL_SCOPE_SIGNAL;
                attr_size = sizeof attr;
        }
        rs = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
        if (rs < 0)
                return -errno;
        for (unsigned i = 0; i < p->n_preopens && i < WSBX_JAIL_MAX_PREOPENS; i++) {
                /* Directory rights only: file-only rights (execute, write,
                 * truncate, ioctl) on a directory rule apply to the files
                 * beneath it, which is what a preopen means. Execute stays
                 * denied: code comes only from sealed memfds. */
                struct ll_path_beneath pb = {
                        .allowed_access = (LL_FS_READ_FILE | LL_FS_READ_DIR) & attr.handled_access_fs,
                        .parent_fd = p->preopens[i].fd,
                };
                if (p->preopens[i].writable)
                        pb.allowed_access = attr.handled_access_fs &
                                            ~(LL_FS_EXECUTE | LL_FS_IOCTL_DEV);
                if (syscall(SYS_landlock_add_rule, rs, LL_RULE_PATH_BENEATH, &pb, 0) < 0) {
                        err = -errno;
                        goto out;
                }
        }
        if (syscall(SYS_landlock_restrict_self, rs, 0) < 0)
                err = -errno;
out:
        close(rs);
        return err;
}
