/* test_ring.c - the cross-process rings (sandbox/ring.c) and the
 * supervisor's io_uring loop (sandbox/uring.c).
 *
 * Every test forks real worker processes that map the ring's memfd with
 * wsbx_ring_attach, as a jailed worker will. Children report through
 * their exit status and never return into the test runner (_exit).
 */
#include "sandbox_int.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* xorshift64*: seeded, so a failing iteration can be replayed. */
static uint64_t rnd(uint64_t *s)
{
        *s ^= *s >> 12;
        *s ^= *s << 25;
        *s ^= *s >> 27;
        return *s * 0x2545F4914F6CDD1Dull;
}

static int child_status(pid_t pid)
{
        int st = 0;
        if (waitpid(pid, &st, 0) != pid)
                return -1;
        if (WIFSIGNALED(st))
                return 1000 + WTERMSIG(st);
        return WEXITSTATUS(st);
}

static wsbx_ring *attach_or_die(int fd)
{
        wsbx_ring *r;
        if (wsbx_ring_attach(fd, &r))
                _exit(90);
        return r;
}

/* ---------------------------------------------------------------------- */
/* Creation, attaching, sealing                                           */
/* ---------------------------------------------------------------------- */

Test(ring, bad_sizes_refused)
{
        wsbx_ring *r;
        cr_expect_eq(wsbx_ring_create(3, 4096, &r), -EINVAL);
        cr_expect_eq(wsbx_ring_create(8, 100, &r), -EINVAL);
        cr_expect_eq(wsbx_ring_create(WSBX_RINGMEM_MAX_SLOTS * 2, 4096, &r), -EINVAL);
        cr_expect_eq(wsbx_ring_create(8, WSBX_RINGMEM_MAX_ARENA + 4096, &r), -EINVAL);
}

Test(ring, sealed_against_resizing)
{
        wsbx_ring *r;
        cr_assert_eq(wsbx_ring_create(16, 8192, &r), 0);
        int fd = wsbx_ring_fd(r);
        int seals = fcntl(fd, F_GET_SEALS);
        cr_assert_eq(seals & (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL),
                     F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
        struct stat st;
        cr_assert_eq(fstat(fd, &st), 0);
        pid_t pid = fork();
        if (pid == 0) {
                /* The worker's side: it must not be able to resize the
                 * memory or lift the seals. */
                wsbx_ring *w = attach_or_die(fd);
                if (wsbx_ring_get_side(w) != WSBX_RING_WORKER)
                        _exit(1);
                if (ftruncate(fd, 4096) == 0 || errno != EPERM)
                        _exit(2);
                if (ftruncate(fd, st.st_size * 2) == 0 || errno != EPERM)
                        _exit(3);
                if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == 0 || errno != EPERM)
                        _exit(4);
                if (fallocate(fd, 0, 0, st.st_size + 4096) == 0)
                        _exit(5);
                _exit(0);
        }
        cr_expect_eq(child_status(pid), 0);
        cr_assert_eq(fstat(fd, &st), 0);
        cr_expect_gt(st.st_size, 4096);
        wsbx_ring_delete(r);
}

Test(ring, attach_refuses_unsealed_or_foreign)
{
        int fd = memfd_create("not-a-ring", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        cr_assert_geq(fd, 0);
        cr_assert_eq(ftruncate(fd, 1 << 20), 0);
        wsbx_ring *r;
        cr_expect_eq(wsbx_ring_attach(fd, &r), -EINVAL);
        /* Sealed, but the header is zeros. */
        cr_assert_eq(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL), 0);
        cr_expect_eq(wsbx_ring_attach(fd, &r), -EINVAL);
        close(fd);

        /* A real ring's header, lying about its slots. */
        wsbx_ring *sup;
        cr_assert_eq(wsbx_ring_create(16, 8192, &sup), 0);
        struct wsbx_ringmem_hdr h;
        cr_assert_eq(pread(wsbx_ring_fd(sup), &h, sizeof h, 0), (ssize_t)sizeof h);
        h.slots = 128;
        cr_assert_eq(pwrite(wsbx_ring_fd(sup), &h, sizeof h, 0), (ssize_t)sizeof h);
        cr_expect_eq(wsbx_ring_attach(wsbx_ring_fd(sup), &r), -EINVAL);
        h.slots = 16;
        cr_assert_eq(pwrite(wsbx_ring_fd(sup), &h, sizeof h, 0), (ssize_t)sizeof h);
        cr_expect_eq(wsbx_ring_attach(wsbx_ring_fd(sup), &r), 0);
        wsbx_ring_delete(r);
        wsbx_ring_delete(sup);
}

/* ---------------------------------------------------------------------- */
/* SPSC correctness across two processes                                  */
/* ---------------------------------------------------------------------- */

#define SPSC_N 1000000u

static uint64_t fill_payload(uint8_t *p, uint32_t len, uint32_t seq)
{
        uint64_t sum = 0;
        for (uint32_t k = 0; k < len; k++) {
                p[k] = (uint8_t)(seq * 31 + k * 7);
                sum = sum * 131 + p[k];
        }
        return sum;
}

static uint64_t sum_payload(const uint8_t *p, uint32_t len)
{
        uint64_t sum = 0;
        for (uint32_t k = 0; k < len; k++)
                sum = sum * 131 + p[k];
        return sum;
}

/* Sends SPSC_N numbered messages, one in three with a payload whose
 * checksum travels in `value`. */
static int produce(wsbx_ring *r)
{
        for (uint32_t i = 0; i < SPSC_N; i++) {
                wsbx_msg m = {.kind = WSBX_MSG_INVOKE, .seq = i};
                if (i % 3 == 0) {
                        uint32_t len = (i * 7919u) % 700;
                        uint8_t *p;
                        while (!(p = wsbx_ring_alloc(r, len, &m.off)))
                                __builtin_ia32_pause();
                        m.len = len;
                        m.value = fill_payload(p, len, i);
                }
                int e;
                while ((e = wsbx_ring_send(r, &m)) == -EAGAIN)
                        __builtin_ia32_pause();
                if (e)
                        return 10;
        }
        return 0;
}

static int consume(wsbx_ring *r)
{
        for (uint32_t i = 0; i < SPSC_N; i++) {
                wsbx_msg m;
                if (wsbx_ring_recv(r, &m, 10000000000))
                        return 20;
                if (m.seq != i || m.kind != WSBX_MSG_INVOKE)
                        return 21;
                if (i % 3 == 0) {
                        const uint8_t *p = wsbx_ring_payload(r, &m);
                        if (!p || m.len != (i * 7919u) % 700 || sum_payload(p, m.len) != m.value)
                                return 22;
                } else if (m.len) {
                        return 23;
                }
                wsbx_ring_release(r);
        }
        return 0;
}

Test(ring, spsc_two_processes, .timeout = 120)
{
        /* Few slots and a small arena: indices and the arena wrap around
         * many thousand times. */
        wsbx_ring *r;
        cr_assert_eq(wsbx_ring_create(16, 8192, &r), 0);
        /* A long spin: a stream rarely stops long enough to be worth a
         * futex round trip (the sleep path has its own test). */
        wsbx_ring_set_spin(r, 200000);
        pid_t pid = fork();
        if (pid == 0) {
                wsbx_ring *w = attach_or_die(wsbx_ring_fd(r));
                wsbx_ring_set_spin(w, 200000);
                int e = consume(w);
                if (!e)
                        e = produce(w);
                _exit(e);
        }
        cr_assert_eq(produce(r), 0, "requests");
        cr_assert_eq(consume(r), 0, "completions");
        cr_expect_eq(child_status(pid), 0);
        wsbx_ring_stats st;
        wsbx_ring_get_stats(r, &st);
        cr_expect_eq(st.sent, SPSC_N);
        cr_expect_eq(st.received, SPSC_N);
        cr_log_info("spsc: %llu sleeps, %llu wakes", (unsigned long long)st.slept,
                    (unsigned long long)st.wakes);
        wsbx_ring_delete(r);
}

Test(ring, hangup_seen_after_last_message)
{
        wsbx_ring *r;
        cr_assert_eq(wsbx_ring_create(8, 4096, &r), 0);
        pid_t pid = fork();
        if (pid == 0) {
                wsbx_ring *w = attach_or_die(wsbx_ring_fd(r));
                wsbx_msg m = {.seq = 7};
                if (wsbx_ring_send(w, &m))
                        _exit(1);
                wsbx_ring_hangup(w);
                _exit(0);
        }
        cr_expect_eq(child_status(pid), 0);
        wsbx_msg m;
        cr_expect_eq(wsbx_ring_recv(r, &m, 1000000000), 0);
        cr_expect_eq(m.seq, 7);
        wsbx_ring_release(r);
        cr_expect_eq(wsbx_ring_recv(r, &m, 1000000000), -EPIPE);
        cr_expect_eq(wsbx_ring_send(r, &m), -EPIPE);
        wsbx_ring_delete(r);
}

Test(ring, recv_times_out)
{
        wsbx_ring *r;
        cr_assert_eq(wsbx_ring_create(8, 4096, &r), 0);
        wsbx_msg m;
        uint64_t t0 = now_ns();
        cr_expect_eq(wsbx_ring_recv(r, &m, 30000000), -ETIMEDOUT);
        cr_expect_geq(now_ns() - t0, 30000000u);
        wsbx_ring_delete(r);
}

/* ---------------------------------------------------------------------- */
/* Sleep and wake                                                         */
/* ---------------------------------------------------------------------- */

#define PINGS 3000u

static void random_pause(uint64_t *s)
{
        uint64_t x = rnd(s) % 8;
        if (x < 3)
                return; /* answer while the peer still spins */
        if (x < 6)
                usleep((useconds_t)(rnd(s) % 50));
        else
                usleep((useconds_t)(rnd(s) % 400)); /* well past any spin */
}

Test(ring, sleep_wake_no_lost_wakeups, .timeout = 120)
{
        wsbx_ring *r;
        cr_assert_eq(wsbx_ring_create(8, 4096, &r), 0);
        /* Budgets 0 and 1 µs: nearly every wait ends in FUTEX_WAIT, and a
         * lost wake-up shows as a receive timing out. */
        wsbx_ring_set_spin(r, 1000);
        pid_t pid = fork();
        if (pid == 0) {
                wsbx_ring *w = attach_or_die(wsbx_ring_fd(r));
                wsbx_ring_set_spin(w, 0);
                uint64_t s = 0x1234567;
                for (uint32_t i = 0; i < PINGS; i++) {
                        wsbx_msg m;
                        if (wsbx_ring_recv(w, &m, 2000000000))
                                _exit(1);
                        if (m.seq != i)
                                _exit(2);
                        wsbx_ring_release(w);
                        random_pause(&s);
                        if (wsbx_ring_send(w, &m))
                                _exit(3);
                }
                wsbx_ring_stats st;
                wsbx_ring_get_stats(w, &st);
                _exit(st.slept > PINGS / 4 ? 0 : 4);
        }
        uint64_t s = 0x7654321;
        for (uint32_t i = 0; i < PINGS; i++) {
                wsbx_msg m = {.seq = i};
                random_pause(&s);
                cr_assert_eq(wsbx_ring_send(r, &m), 0);
                cr_assert_eq(wsbx_ring_recv(r, &m, 2000000000), 0, "lost wake-up at %u", i);
                cr_assert_eq(m.seq, i);
                wsbx_ring_release(r);
        }
        cr_expect_eq(child_status(pid), 0);
        wsbx_ring_stats st;
        wsbx_ring_get_stats(r, &st);
        cr_expect_gt(st.slept, 0);
        wsbx_ring_delete(r);
}

/* ---------------------------------------------------------------------- */
/* A hostile worker                                                       */
/* ---------------------------------------------------------------------- */

/* What the supervisor does against a ring whose other side is hostile:
 * every call returns one of its documented codes, payload pointers stay
 * inside the arena, and once broken the ring stays broken. Returns the
 * number of -EPROTO results. */
static unsigned supervise(wsbx_ring *r, uint64_t *s, unsigned ops)
{
        unsigned proto = 0;
        bool broken = false;
        wsbx_msg probe = {.off = 0, .len = 0};
        const uint8_t *arena = wsbx_ring_payload(r, &probe);
        cr_assert_not_null(arena);
        for (unsigned k = 0; k < ops; k++) {
                int e;
                wsbx_msg m;
                switch (rnd(s) % 6) {
                case 0:
                case 1:
                        e = wsbx_ring_try_recv(r, &m);
                        cr_assert(e == 0 || e == -EAGAIN || e == -EPIPE || e == -EPROTO, "recv %d", e);
                        if (e == 0) {
                                const uint8_t *p = wsbx_ring_payload(r, &m);
                                if (p) {
                                        cr_assert_eq(p, arena + m.off);
                                        cr_assert_leq((uint64_t)m.off + m.len, wsbx_ring_arena_size(r));
                                        volatile uint64_t sum = sum_payload(p, m.len);
                                        (void)sum;
                                }
                                wsbx_ring_release(r);
                        }
                        break;
                case 2: {
                        uint32_t off;
                        size_t len = rnd(s) % 3000;
                        uint8_t *p = wsbx_ring_alloc(r, len, &off);
                        if (p) {
                                cr_assert_leq((uint64_t)off + len, wsbx_ring_arena_size(r));
                                memset(p, 0xab, len);
                        }
                        m = (wsbx_msg){.kind = WSBX_MSG_INVOKE, .off = off, .len = (uint32_t)len};
                        e = wsbx_ring_send(r, &m);
                        cr_assert(e == 0 || e == -EAGAIN || e == -EPIPE || e == -EPROTO, "send %d", e);
                        break;
                }
                case 3:
                        e = wsbx_ring_pending(r);
                        cr_assert(e == 0 || e == 1 || e == -EPROTO, "pending %d", e);
                        break;
                case 4: {
                        _Atomic uint32_t *word;
                        uint32_t val;
                        e = wsbx_ring_arm(r, &word, &val);
                        cr_assert(e == 0 || e == 1 || e == -EPROTO, "arm %d", e);
                        wsbx_ring_disarm(r);
                        break;
                }
                default:
                        e = wsbx_ring_recv(r, &m, 20000);
                        cr_assert(e == 0 || e == -ETIMEDOUT || e == -EPIPE || e == -EPROTO, "recv %d", e);
                        if (e == 0)
                                wsbx_ring_release(r);
                        break;
                }
                if (e == -EPROTO) {
                        proto++;
                        broken = true;
                } else if (broken) {
                        /* Broken is sticky for everything that reads shared
                         * state (alloc may still fail on its own). */
                        cr_assert(e == -EPROTO || e == -EPIPE || e == -ETIMEDOUT, "after broken: %d", e);
                }
        }
        return proto;
}

/* Writes garbage over the worker's view: anywhere, or aimed at the
 * indices, doorbells and descriptors. */
static void scribble(uint8_t *base, size_t size, uint32_t slots, uint64_t *s)
{
        struct wsbx_ringmem_ctl *ctl = (struct wsbx_ringmem_ctl *)(base + WSBX_RINGMEM_CTL_OFF);
        switch (rnd(s) % 8) {
        case 0: {
                size_t at = rnd(s) % (size - 8);
                uint64_t v = rnd(s);
                memcpy(base + at, &v, 8);
                break;
        }
        case 1:
                atomic_store(&ctl[rnd(s) & 1].tail, (uint32_t)rnd(s));
                break;
        case 2:
                atomic_store(&ctl[rnd(s) & 1].head, (uint32_t)rnd(s));
                break;
        case 3: {
                /* A plausible tail: a little ahead of the head. */
                int d = rnd(s) & 1;
                uint32_t hd = atomic_load(&ctl[d].head);
                atomic_store(&ctl[d].tail, hd + (uint32_t)(rnd(s) % (2 * slots + 2)));
                break;
        }
        case 4: {
                /* Descriptors with wild offsets and lengths. */
                /* The layout of an 8-slot ring: one page per ring after
                 * the header and control pages (never read back from the
                 * scribbled header). */
                wsbx_msg *ring = (wsbx_msg *)(base + 2 * 4096u + (rnd(s) & 1) * 4096u);
                wsbx_msg *m = &ring[rnd(s) % slots];
                m->off = (uint32_t)rnd(s);
                m->len = (uint32_t)rnd(s) >> (rnd(s) % 32);
                break;
        }
        case 5:
                atomic_store(&ctl[rnd(s) & 1].seq, (uint32_t)rnd(s));
                atomic_store(&ctl[rnd(s) & 1].sleeping, (uint32_t)rnd(s) & 1);
                break;
        case 6:
                atomic_store(&ctl[rnd(s) & 1].closed, (uint32_t)(rnd(s) % 4 == 0));
                break;
        default:
                memset(base + rnd(s) % size / 2, (int)rnd(s), rnd(s) % 512);
                break;
        }
}

#define HOSTILE_SEEDS 1000u
#define HOSTILE_FORKS 200u

Test(ring, hostile_worker_seeded, .timeout = 120)
{
        /* Single process, reproducible: the "worker" is a second mapping
         * of the memfd, written between supervisor operations. */
        unsigned broken_runs = 0;
        for (uint64_t seed = 1; seed <= HOSTILE_SEEDS; seed++) {
                wsbx_ring *r;
                cr_assert_eq(wsbx_ring_create(8, 8192, &r), 0);
                struct stat st;
                cr_assert_eq(fstat(wsbx_ring_fd(r), &st), 0);
                uint8_t *w = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED,
                                  wsbx_ring_fd(r), 0);
                cr_assert_neq(w, MAP_FAILED);
                uint64_t s = seed * 0x9E3779B97F4A7C15ull;
                unsigned proto = 0;
                for (unsigned round = 0; round < 40; round++) {
                        for (unsigned k = rnd(&s) % 4; k; k--)
                                scribble(w, (size_t)st.st_size, 8, &s);
                        proto += supervise(r, &s, 20);
                }
                broken_runs += proto > 0;
                munmap(w, (size_t)st.st_size);
                wsbx_ring_delete(r);
        }
        /* The garbage must actually have reached the checks. */
        cr_expect_gt(broken_runs, HOSTILE_SEEDS / 4, "only %u of %u runs detected a broken ring",
                     broken_runs, HOSTILE_SEEDS);
}

Test(ring, hostile_worker_concurrent, .timeout = 120)
{
        /* A forked worker scribbles while the supervisor works. */
        unsigned broken_runs = 0;
        for (uint64_t seed = 1; seed <= HOSTILE_FORKS; seed++) {
                wsbx_ring *r;
                cr_assert_eq(wsbx_ring_create(8, 8192, &r), 0);
                pid_t pid = fork();
                if (pid == 0) {
                        wsbx_ring *w = attach_or_die(wsbx_ring_fd(r));
                        struct stat st;
                        if (fstat(wsbx_ring_fd(w), &st))
                                _exit(1);
                        uint8_t *base = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE,
                                             MAP_SHARED, wsbx_ring_fd(w), 0);
                        if (base == MAP_FAILED)
                                _exit(1);
                        uint64_t s = seed;
                        for (;;) {
                                /* Mostly honest traffic, with garbage in between. */
                                wsbx_msg m = {.kind = WSBX_MSG_INVOKE, .seq = (uint32_t)rnd(&s)};
                                uint8_t *p = wsbx_ring_alloc(w, rnd(&s) % 256, &m.off);
                                if (p)
                                        m.len = (uint32_t)(rnd(&s) % 256);
                                wsbx_ring_send(w, &m);
                                if (!wsbx_ring_try_recv(w, &m))
                                        wsbx_ring_release(w);
                                if (rnd(&s) % 4096 == 0)
                                        scribble(base, (size_t)st.st_size, 8, &s);
                        }
                }
                uint64_t s = seed ^ 0xabcdef;
                broken_runs += supervise(r, &s, 3000) > 0;
                kill(pid, SIGKILL);
                cr_expect_eq(child_status(pid), 1000 + SIGKILL, "the worker side crashed");
                wsbx_ring_delete(r);
        }
        cr_log_info("concurrent: %u of %u runs ended broken", broken_runs, HOSTILE_FORKS);
        cr_expect_gt(broken_runs, 0);
}

Test(ring, impossible_indices_are_errors)
{
        wsbx_ring *r;
        cr_assert_eq(wsbx_ring_create(8, 4096, &r), 0);
        struct stat st;
        cr_assert_eq(fstat(wsbx_ring_fd(r), &st), 0);
        uint8_t *w = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, wsbx_ring_fd(r), 0);
        cr_assert_neq(w, MAP_FAILED);
        struct wsbx_ringmem_ctl *ctl = (struct wsbx_ringmem_ctl *)(w + WSBX_RINGMEM_CTL_OFF);
        wsbx_msg m;

        /* Indices start just below 2^32 (WSBX_RINGMEM_INDEX0), so every
         * test that sends more than 4096 messages crosses the wrap. */
        cr_expect_eq(atomic_load(&ctl[WSBX_RING_CPL].head), WSBX_RINGMEM_INDEX0);

        /* A tail 9 ahead of an 8-slot ring. */
        atomic_store(&ctl[WSBX_RING_CPL].tail, WSBX_RINGMEM_INDEX0 + 9);
        cr_expect_eq(wsbx_ring_try_recv(r, &m), -EPROTO);
        cr_expect_eq(wsbx_ring_pending(r), -EPROTO);
        atomic_store(&ctl[WSBX_RING_CPL].tail, WSBX_RINGMEM_INDEX0);
        cr_expect_eq(wsbx_ring_try_recv(r, &m), -EPROTO, "broken stays broken");
        wsbx_ring_delete(r);
        munmap(w, (size_t)st.st_size);

        /* A head ahead of what was sent. */
        cr_assert_eq(wsbx_ring_create(8, 4096, &r), 0);
        w = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, wsbx_ring_fd(r), 0);
        cr_assert_neq(w, MAP_FAILED);
        ctl = (struct wsbx_ringmem_ctl *)(w + WSBX_RINGMEM_CTL_OFF);
        m = (wsbx_msg){.seq = 1};
        cr_expect_eq(wsbx_ring_send(r, &m), 0);
        atomic_store(&ctl[WSBX_RING_REQ].head, WSBX_RINGMEM_INDEX0 + 2);
        cr_expect_eq(wsbx_ring_send(r, &m), -EPROTO);
        cr_expect_null(wsbx_ring_alloc(r, 16, &m.off));

        /* A descriptor whose payload leaves the arena. */
        m = (wsbx_msg){.off = 4000, .len = 97};
        cr_expect_null(wsbx_ring_payload(r, &m));
        m = (wsbx_msg){.off = 0xffffffffu, .len = 2};
        cr_expect_null(wsbx_ring_payload(r, &m));
        m = (wsbx_msg){.off = 4000, .len = 96};
        cr_expect_not_null(wsbx_ring_payload(r, &m));
        wsbx_ring_delete(r);
        munmap(w, (size_t)st.st_size);
}

/* ---------------------------------------------------------------------- */
/* The supervisor loop                                                    */
/* ---------------------------------------------------------------------- */

static int pidfd_open(pid_t pid)
{
        return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* A worker that posts one completion after delay_us, then waits for a
 * CLOSE request and exits with `code`. */
static pid_t spawn_poster(wsbx_ring *r, int wake_fd, unsigned delay_us, int code)
{
        pid_t pid = fork();
        if (pid == 0) {
                wsbx_ring *w = attach_or_die(wsbx_ring_fd(r));
                if (wake_fd >= 0)
                        wsbx_ring_set_wake_fd(w, dup(wake_fd));
                usleep(delay_us);
                wsbx_msg m = {.kind = WSBX_MSG_INVOKE, .seq = 99};
                if (wsbx_ring_send(w, &m))
                        _exit(70);
                if (wsbx_ring_recv(w, &m, 10000000000) || m.kind != WSBX_MSG_CLOSE)
                        _exit(71);
                _exit(code);
        }
        return pid;
}

static void loop_round_trip(unsigned flags)
{
        wsbx_sup_loop *l;
        cr_assert_eq(wsbx_sup_loop_new(flags, &l), 0);
        if (!flags && !wsbx_sup_loop_uses_futex(l)) {
                wsbx_sup_loop_delete(l);
                cr_skip_test("io_uring has no FUTEX_WAIT here (kernel < 6.7)");
        }
        if (flags & WSBX_SUP_LOOP_F_NO_FUTEX)
                cr_assert_not(wsbx_sup_loop_uses_futex(l));
        wsbx_ring *r;
        cr_assert_eq(wsbx_ring_create(8, 4096, &r), 0);
        /* The supervisor side never spins here: every wake goes through
         * the loop. */
        wsbx_ring_set_spin(r, 0);

        /* The pidfd is added after the fork, so the eventfd must exist
         * first: add with no pidfd, then fork, then watch the exit too. */
        int wake_fd;
        cr_assert_eq(wsbx_sup_loop_add_worker(l, r, -1, 42, &wake_fd), 0);
        cr_assert_eq(wake_fd >= 0, !wsbx_sup_loop_uses_futex(l));
        pid_t pid = spawn_poster(r, wake_fd, 50000, 5);
        int pfd = pidfd_open(pid);
        cr_assert_geq(pfd, 0);
        cr_assert_eq(wsbx_sup_loop_remove_worker(l, 42), 0);
        cr_assert_eq(wsbx_sup_loop_add_worker(l, r, pfd, 42, NULL), 0);
        cr_assert_eq(wsbx_sup_loop_add_worker(l, r, pfd, 42, NULL), -EEXIST);

        wsbx_sup_event ev[4];
        uint64_t t0 = now_ns();
        int n = wsbx_sup_loop_wait(l, ev, 4, 5000000000);
        cr_assert_eq(n, 1);
        cr_expect_eq(ev[0].kind, WSBX_SUP_EV_COMPLETION);
        cr_expect_eq(ev[0].cookie, 42);
        cr_expect_geq(now_ns() - t0, 30000000u, "it did wait for the worker");

        /* Level-triggered: not drained yet, so reported again at once. */
        n = wsbx_sup_loop_wait(l, ev, 4, 0);
        cr_assert_eq(n, 1);
        cr_expect_eq(ev[0].kind, WSBX_SUP_EV_COMPLETION);
        wsbx_msg m;
        cr_assert_eq(wsbx_ring_try_recv(r, &m), 0);
        cr_expect_eq(m.seq, 99);
        wsbx_ring_release(r);

        /* Drained: nothing more within 30 ms. */
        t0 = now_ns();
        cr_expect_eq(wsbx_sup_loop_wait(l, ev, 4, 30000000), 0);
        cr_expect_geq(now_ns() - t0, 30000000u);

        m = (wsbx_msg){.kind = WSBX_MSG_CLOSE};
        cr_assert_eq(wsbx_ring_send(r, &m), 0);
        n = wsbx_sup_loop_wait(l, ev, 4, 5000000000);
        cr_assert_eq(n, 1);
        cr_expect_eq(ev[0].kind, WSBX_SUP_EV_EXIT);
        cr_expect_eq(ev[0].cookie, 42);
        cr_expect_eq(child_status(pid), 5);

        cr_expect_eq(wsbx_sup_loop_remove_worker(l, 42), 0);
        cr_expect_eq(wsbx_sup_loop_remove_worker(l, 42), -ENOENT);
        close(pfd);
        wsbx_sup_loop_delete(l);
        wsbx_ring_delete(r);
}

Test(sup_loop, futex_doorbell_and_exit, .timeout = 60)
{
        loop_round_trip(0);
}

Test(sup_loop, eventfd_fallback, .timeout = 60)
{
        loop_round_trip(WSBX_SUP_LOOP_F_NO_FUTEX);
}

Test(sup_loop, timeout_and_deadline, .timeout = 60)
{
        wsbx_sup_loop *l;
        cr_assert_eq(wsbx_sup_loop_new(0, &l), 0);
        wsbx_sup_event ev[4];
        uint64_t t0 = now_ns();
        cr_expect_eq(wsbx_sup_loop_wait(l, ev, 4, 25000000), 0);
        cr_expect_geq(now_ns() - t0, 25000000u);

        wsbx_ring *r;
        cr_assert_eq(wsbx_ring_create(8, 4096, &r), 0);
        cr_assert_eq(wsbx_sup_loop_add_worker(l, r, -1, 7, NULL), 0);
        cr_assert_eq(wsbx_sup_loop_set_deadline(l, 7, 20000000), 0);
        t0 = now_ns();
        int n = wsbx_sup_loop_wait(l, ev, 4, 5000000000);
        cr_assert_eq(n, 1);
        cr_expect_eq(ev[0].kind, WSBX_SUP_EV_DEADLINE);
        cr_expect_eq(ev[0].cookie, 7);
        cr_expect_geq(now_ns() - t0, 19000000u);

        /* A cleared deadline never fires; a replaced one fires once, late. */
        cr_assert_eq(wsbx_sup_loop_set_deadline(l, 7, 10000000), 0);
        cr_assert_eq(wsbx_sup_loop_set_deadline(l, 7, 0), 0);
        cr_expect_eq(wsbx_sup_loop_wait(l, ev, 4, 40000000), 0);
        cr_assert_eq(wsbx_sup_loop_set_deadline(l, 7, 10000000), 0);
        cr_assert_eq(wsbx_sup_loop_set_deadline(l, 7, 50000000), 0);
        t0 = now_ns();
        n = wsbx_sup_loop_wait(l, ev, 4, 5000000000);
        cr_assert_eq(n, 1);
        cr_expect_eq(ev[0].kind, WSBX_SUP_EV_DEADLINE);
        cr_expect_geq(now_ns() - t0, 45000000u);
        cr_expect_eq(wsbx_sup_loop_wait(l, ev, 4, 30000000), 0);
        cr_expect_eq(wsbx_sup_loop_set_deadline(l, 8, 1), -ENOENT);
        wsbx_sup_loop_delete(l);
        wsbx_ring_delete(r);
}

Test(sup_loop, broken_ring_reported, .timeout = 60)
{
        wsbx_sup_loop *l;
        cr_assert_eq(wsbx_sup_loop_new(0, &l), 0);
        wsbx_ring *r;
        cr_assert_eq(wsbx_ring_create(8, 4096, &r), 0);
        cr_assert_eq(wsbx_sup_loop_add_worker(l, r, -1, 3, NULL), 0);
        pid_t pid = fork();
        if (pid == 0) {
                wsbx_ring *w = attach_or_die(wsbx_ring_fd(r));
                usleep(20000);
                struct stat st;
                fstat(wsbx_ring_fd(w), &st);
                uint8_t *b = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED,
                                  wsbx_ring_fd(w), 0);
                struct wsbx_ringmem_ctl *ctl = (struct wsbx_ringmem_ctl *)(b + WSBX_RINGMEM_CTL_OFF);
                atomic_store(&ctl[WSBX_RING_CPL].tail, WSBX_RINGMEM_INDEX0 + 1000);
                atomic_fetch_add(&ctl[WSBX_RING_CPL].seq, 1);
                syscall(SYS_futex, &ctl[WSBX_RING_CPL].seq, 1 /* FUTEX_WAKE */, 1, NULL, NULL, 0);
                _exit(0);
        }
        wsbx_sup_event ev[4];
        int n = wsbx_sup_loop_wait(l, ev, 4, 5000000000);
        cr_assert_eq(n, 1);
        cr_expect_eq(ev[0].kind, WSBX_SUP_EV_BROKEN);
        cr_expect_eq(ev[0].cookie, 3);
        /* Reported once. */
        cr_expect_eq(wsbx_sup_loop_wait(l, ev, 4, 20000000), 0);
        cr_expect_eq(child_status(pid), 0);
        wsbx_sup_loop_delete(l);
        wsbx_ring_delete(r);
}

#define NWORKERS 8

Test(sup_loop, many_workers_small_max, .timeout = 60)
{
        wsbx_sup_loop *l;
        cr_assert_eq(wsbx_sup_loop_new(0, &l), 0);
        wsbx_sup_loop_set_spin(l, 2000);
        wsbx_ring *r[NWORKERS];
        pid_t pid[NWORKERS];
        int pfd[NWORKERS];
        for (unsigned i = 0; i < NWORKERS; i++) {
                cr_assert_eq(wsbx_ring_create(8, 4096, &r[i]), 0);
                pid[i] = spawn_poster(r[i], -1, 5000 + 7000 * i, (int)i);
                pfd[i] = pidfd_open(pid[i]);
                cr_assert_geq(pfd[i], 0);
                cr_assert_eq(wsbx_sup_loop_add_worker(l, r[i], pfd[i], 100 + i, NULL), 0);
        }
        /* Each completion is answered with CLOSE; each worker then exits.
         * max = 1, so pending exits must wait their turn, not get lost. */
        unsigned cpl = 0, exits = 0;
        bool seen_cpl[NWORKERS] = {0}, seen_exit[NWORKERS] = {0};
        while (exits < NWORKERS) {
                wsbx_sup_event ev;
                int n = wsbx_sup_loop_wait(l, &ev, 1, 5000000000);
                cr_assert_eq(n, 1, "timed out with %u completions, %u exits", cpl, exits);
                unsigned i = (unsigned)(ev.cookie - 100);
                cr_assert_lt(i, NWORKERS);
                if (ev.kind == WSBX_SUP_EV_COMPLETION) {
                        wsbx_msg m;
                        cr_assert_eq(wsbx_ring_try_recv(r[i], &m), 0);
                        wsbx_ring_release(r[i]);
                        cr_assert_not(seen_cpl[i]);
                        seen_cpl[i] = true;
                        cpl++;
                        m = (wsbx_msg){.kind = WSBX_MSG_CLOSE};
                        cr_assert_eq(wsbx_ring_send(r[i], &m), 0);
                } else {
                        cr_assert_eq(ev.kind, WSBX_SUP_EV_EXIT);
                        cr_assert(seen_cpl[i]);
                        cr_assert_not(seen_exit[i]);
                        seen_exit[i] = true;
                        exits++;
                        cr_expect_eq(child_status(pid[i]), (int)i);
                        cr_assert_eq(wsbx_sup_loop_remove_worker(l, ev.cookie), 0);
                }
        }
        cr_expect_eq(cpl, NWORKERS);
        for (unsigned i = 0; i < NWORKERS; i++) {
                close(pfd[i]);
                wsbx_ring_delete(r[i]);
        }
        wsbx_sup_loop_delete(l);
}

Test(ring, epoch_shared_with_worker)
{
        wsbx_ring *r;
        cr_assert_eq(wsbx_ring_create(8, 4096, &r), 0);
        pid_t pid = fork();
        if (pid == 0) {
                wsbx_ring *w = attach_or_die(wsbx_ring_fd(r));
                uint64_t t0 = now_ns();
                /* The supervisor bumps it to 3; compiled code would poll
                 * it at loop headers the same way. */
                while (atomic_load(wsbx_ring_epoch(w)) != 3)
                        if (now_ns() - t0 > 5000000000u)
                                _exit(1);
                _exit(0);
        }
        cr_expect_eq(atomic_load(wsbx_ring_epoch(r)), 0);
        for (int i = 0; i < 3; i++)
                atomic_fetch_add(wsbx_ring_epoch(r), 1);
        cr_expect_eq(child_status(pid), 0);
        wsbx_ring_delete(r);
}

/* Ping-pong through the loop with random delays on the worker's side: a
 * wake-up lost between arming the doorbell and sleeping in io_uring shows
 * as a wait that times out. */
static void loop_stress(unsigned flags)
{
        wsbx_sup_loop *l;
        cr_assert_eq(wsbx_sup_loop_new(flags, &l), 0);
        if (!flags && !wsbx_sup_loop_uses_futex(l)) {
                wsbx_sup_loop_delete(l);
                cr_skip_test("io_uring has no FUTEX_WAIT here (kernel < 6.7)");
        }
        wsbx_ring *r;
        cr_assert_eq(wsbx_ring_create(8, 4096, &r), 0);
        int wake_fd;
        cr_assert_eq(wsbx_sup_loop_add_worker(l, r, -1, 1, &wake_fd), 0);
        pid_t pid = fork();
        if (pid == 0) {
                wsbx_ring *w = attach_or_die(wsbx_ring_fd(r));
                if (wake_fd >= 0)
                        wsbx_ring_set_wake_fd(w, dup(wake_fd));
                wsbx_ring_set_spin(w, 0);
                uint64_t s = 0x5eed;
                for (uint32_t i = 0; i < PINGS; i++) {
                        wsbx_msg m;
                        if (wsbx_ring_recv(w, &m, 2000000000) || m.seq != i)
                                _exit(1);
                        wsbx_ring_release(w);
                        random_pause(&s);
                        if (wsbx_ring_send(w, &m))
                                _exit(2);
                }
                _exit(0);
        }
        for (uint32_t i = 0; i < PINGS; i++) {
                wsbx_msg m = {.seq = i};
                cr_assert_eq(wsbx_ring_send(r, &m), 0);
                wsbx_sup_event ev;
                int n = wsbx_sup_loop_wait(l, &ev, 1, 2000000000);
                cr_assert_eq(n, 1, "lost wake-up at %u", i);
                cr_assert_eq(ev.kind, WSBX_SUP_EV_COMPLETION);
                cr_assert_eq(wsbx_ring_try_recv(r, &m), 0);
                cr_assert_eq(m.seq, i);
                wsbx_ring_release(r);
        }
        cr_expect_eq(child_status(pid), 0);
        wsbx_sup_loop_delete(l);
        wsbx_ring_delete(r);
}

Test(sup_loop, stress_futex, .timeout = 120)
{
        loop_stress(0);
}

Test(sup_loop, stress_eventfd, .timeout = 120)
{
        loop_stress(WSBX_SUP_LOOP_F_NO_FUTEX);
}
