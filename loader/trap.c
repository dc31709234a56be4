/* trap.c - the code registry, the trap signal handlers and guarded calls.
 *
 * Registry. Every code range that may trap is registered with its trap
 * table, address map and function list. The registry is an immutable
 * array of range pointers sorted by start address; writers (serialized by
 * a mutex) build a new array and swap the pointer in. Readers, the signal
 * handler among them, take no lock: they bump `readers`, load the array,
 * look up, and drop `readers`. A writer frees the old array (and an
 * unregistered range) only after it has seen `readers` at zero *after*
 * the swap; with sequentially consistent operations on both sides a
 * reader either started before the swap (and the writer waits for it) or
 * loads the new array. Readers never block, writers wait only for
 * lookups in flight.
 *
 * Guarded calls. wsbx_call_guarded() pushes a per-thread guard record
 * holding a sigjmp_buf, runs the callee on the guest stack, and pops it.
 * The handlers for SIGSEGV, SIGBUS, SIGILL and SIGFPE run on an
 * alternate signal stack (the guest stack may be exhausted). A signal is
 * a trap only when all of these hold: it comes from the CPU (si_code > 0),
 * this thread is inside a guarded call, and the PC lies in registered
 * code at a site the trap table records (its kind is the trap), or, for
 * SIGSEGV/SIGBUS, the fault address is in the guest stack's guard
 * (a stack overflow that bypassed the prologue check). Then the handler
 * fills the trap record and siglongjmps to the innermost guard; otherwise
 * it passes the signal to whatever handler was installed before, so
 * crashes in the runtime stay crashes. Handlers use SA_NODEFER and an
 * empty mask, so leaving them by longjmp needs no signal-mask restore and
 * sigsetjmp skips the sigprocmask system call.
 *
 * Backtraces walk the rbp chain, reading only inside the active guest
 * stack and only upwards, and stop at the first return address outside
 * registered code.
 */
#include "loader.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

struct wsbx_code_reg {
        wsbx_code_info info;
        uintptr_t lo, hi;
};

struct registry {
        size_t n;
        struct wsbx_code_reg *regs[];
};

static struct registry *registry;      /* atomic; NULL when empty */
static unsigned long readers;          /* atomic */
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;

/* --- validation and registration ----------------------------------------- */

static bool tables_ok(const wsbx_code_info *in)
{
        if (!in->start || !in->len || (uintptr_t)in->start + in->len < (uintptr_t)in->start)
                return false;
        if ((in->ntraps && !in->traps) || (in->naddrs && !in->addrs) || (in->nfuncs && !in->funcs))
                return false;
        for (size_t i = 0; i < in->ntraps; i++) {
                if (in->traps[i].code_offset >= in->len || in->traps[i].trap == WSBX_TRAP_NONE ||
                    in->traps[i].trap >= WSBX_TRAP_COUNT)
                        return false;
                if (i && in->traps[i].code_offset <= in->traps[i - 1].code_offset)
                        return false;
        }
        for (size_t i = 0; i < in->naddrs; i++) {
                if (in->addrs[i].code_offset >= in->len)
                        return false;
                if (i && in->addrs[i].code_offset < in->addrs[i - 1].code_offset)
                        return false;
        }
        for (size_t i = 0; i < in->nfuncs; i++) {
                const wsbx_code_func *f = &in->funcs[i];
                if (f->start >= in->len || f->len > in->len - f->start)
                        return false;
                if (i && f->start < in->funcs[i - 1].start + in->funcs[i - 1].len)
                        return false;
        }
        return true;
}

/* Publishes `next` and waits until no reader can still see the old array. */
static struct registry *publish(struct registry *next)
{
        struct registry *old = __atomic_exchange_n(&registry, next, __ATOMIC_SEQ_CST);
        while (__atomic_load_n(&readers, __ATOMIC_SEQ_CST) != 0)
                sched_yield();
        return old;
}

int wsbx_code_register(const wsbx_code_info *info, wsbx_code_reg **out)
{
        *out = NULL;
        if (!tables_ok(info))
                return -EINVAL;
        struct wsbx_code_reg *r = malloc(sizeof *r);
        if (!r)
                return -ENOMEM;
        r->info = *info;
        r->lo = (uintptr_t)info->start;
        r->hi = r->lo + info->len;

        pthread_mutex_lock(&registry_lock);
        struct registry *cur = __atomic_load_n(&registry, __ATOMIC_SEQ_CST);
        size_t n = cur ? cur->n : 0;
        size_t at = 0;
        while (at < n && cur->regs[at]->lo < r->lo)
                at++;
        for (size_t i = 0; i < n; i++) {
                const struct wsbx_code_reg *c = cur->regs[i];
                /* lo == hi: emptied by an unregister that ran out of memory. */
                if (c->lo != c->hi && c->lo < r->hi && r->lo < c->hi) {
                        pthread_mutex_unlock(&registry_lock);
                        free(r);
                        return -EEXIST;
                }
        }
        struct registry *next = malloc(sizeof *next + (n + 1) * sizeof next->regs[0]);
        if (!next) {
                pthread_mutex_unlock(&registry_lock);
                free(r);
                return -ENOMEM;
        }
        next->n = n + 1;
        for (size_t i = 0; i < at; i++)
                next->regs[i] = cur->regs[i];
        next->regs[at] = r;
        for (size_t i = at; i < n; i++)
                next->regs[i + 1] = cur->regs[i];
        free(publish(next));
        pthread_mutex_unlock(&registry_lock);
        *out = r;
        return 0;
}

void wsbx_code_unregister(wsbx_code_reg *reg)
{
        if (!reg)
                return;
        pthread_mutex_lock(&registry_lock);
        struct registry *cur = __atomic_load_n(&registry, __ATOMIC_SEQ_CST);
        size_t n = cur ? cur->n : 0;
        struct registry *next = NULL;
        if (n > 1) {
                next = malloc(sizeof *next + (n - 1) * sizeof next->regs[0]);
                if (!next) {
                        /* Without memory for a smaller copy, empty the
                         * entry in place: no PC lies in [lo, lo), so
                         * readers pass over it. The record stays allocated
                         * (a few dozen bytes, for the process's life) because
                         * a reader may still hold it. */
                        for (size_t i = 0; i < n; i++)
                                if (cur->regs[i] == reg)
                                        __atomic_store_n(&reg->hi, reg->lo, __ATOMIC_SEQ_CST);
                        pthread_mutex_unlock(&registry_lock);
                        return;
                }
                size_t j = 0;
                for (size_t i = 0; i < n; i++)
                        if (cur->regs[i] != reg && cur->regs[i]->hi != cur->regs[i]->lo)
                                next->regs[j++] = cur->regs[i];
                next->n = j;
        }
        free(publish(next));
        pthread_mutex_unlock(&registry_lock);
        free(reg);
}

/* --- lookups (lock-free; the caller holds a reader count) ----------------- */

static void reader_enter(void)
{
        __atomic_add_fetch(&readers, 1, __ATOMIC_SEQ_CST);
}

static void reader_exit(void)
{
        __atomic_sub_fetch(&readers, 1, __ATOMIC_SEQ_CST);
}

static const struct wsbx_code_reg *find_range(uintptr_t pc)
{
        const struct registry *r = __atomic_load_n(&registry, __ATOMIC_SEQ_CST);
        if (!r)
                return NULL;
        size_t lo = 0, hi = r->n;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                const struct wsbx_code_reg *c = r->regs[mid];
                if (pc < c->lo)
                        hi = mid;
                else if (pc >= __atomic_load_n(&c->hi, __ATOMIC_SEQ_CST))
                        lo = mid + 1;
                else
                        return c;
        }
        return NULL;
}

static wsbx_trap trap_at(const struct wsbx_code_reg *c, uint32_t off)
{
        size_t lo = 0, hi = c->info.ntraps;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                uint32_t o = c->info.traps[mid].code_offset;
                if (off < o)
                        hi = mid;
                else if (off > o)
                        lo = mid + 1;
                else
                        return (wsbx_trap)c->info.traps[mid].trap;
        }
        return WSBX_TRAP_NONE;
}

static uint32_t wasm_offset_at(const struct wsbx_code_reg *c, uint32_t off)
{
        /* The last entry at or before off: code up to the next entry
         * belongs to that wasm instruction. */
        size_t lo = 0, hi = c->info.naddrs;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (c->info.addrs[mid].code_offset <= off)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo ? c->info.addrs[lo - 1].wasm_offset : UINT32_MAX;
}

static const char *name_at(const struct wsbx_code_reg *c, uint32_t off)
{
        size_t lo = 0, hi = c->info.nfuncs;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (c->info.funcs[mid].start <= off)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        if (!lo)
                return NULL;
        const wsbx_code_func *f = &c->info.funcs[lo - 1];
        return off - f->start < f->len ? f->name : NULL;
}

static void describe(wsbx_trap_frame *f, const struct wsbx_code_reg *c, uintptr_t pc,
                     uintptr_t lookup_pc)
{
        uint32_t off = (uint32_t)(lookup_pc - c->lo);
        f->pc = pc;
        f->name = name_at(c, off);
        f->owner = c->info.owner;
        f->wasm_offset = wasm_offset_at(c, off);
}

void *wsbx_code_lookup(uintptr_t pc, const char **name, uint32_t *wasm_offset)
{
        void *owner = NULL;
        const char *nm = NULL;
        uint32_t wo = UINT32_MAX;

        reader_enter();
        const struct wsbx_code_reg *c = find_range(pc);
        if (c) {
                wsbx_trap_frame f;
                describe(&f, c, pc, pc);
                owner = f.owner;
                nm = f.name;
                wo = f.wasm_offset;
        }
        reader_exit();
        if (name)
                *name = nm;
        if (wasm_offset)
                *wasm_offset = wo;
        return owner;
}

/* --- per-thread guard records ---------------------------------------------- */

struct guard {
        sigjmp_buf jb;
        struct guard *prev;
        wsbx_trap_info *out;
        wsbx_stack *stack;
        uint32_t depth;                 /* stack depth to restore on a trap */
        uintptr_t guard_lo, lo, hi;     /* the guest stack and its guard */
};

/* initial-exec: reading it from a signal handler must not allocate. */
static __thread struct guard *cur_guard __attribute__((tls_model("initial-exec")));

/* Walks the rbp chain from fp, filling t->frames from index t->nframes.
 * With skip_foreign, frames whose return address is outside registered
 * code are skipped until the first registered one (host code between a
 * raise and its wasm caller); after that, the first foreign return
 * address ends the walk. */
static void walk(wsbx_trap_info *t, const struct guard *g, uintptr_t fp, bool skip_foreign)
{
        for (unsigned steps = 0; t->nframes < WSBX_BACKTRACE_MAX && steps < 4096; steps++) {
                if (fp < g->lo || fp > g->hi - 16 || (fp & 7))
                        return;
                uintptr_t next = ((const uintptr_t *)fp)[0];
                uintptr_t ret = ((const uintptr_t *)fp)[1];
                /* A return address may be one past its function's last
                 * byte (a call to a trap stub that does not return), so look
                 * up the byte before it. */
                const struct wsbx_code_reg *c = ret ? find_range(ret - 1) : NULL;
                if (c) {
                        describe(&t->frames[t->nframes++], c, ret, ret - 1);
                        skip_foreign = false;
                } else if (!skip_foreign) {
                        return;
                }
                if (next <= fp)
                        return;
                fp = next;
        }
}

/* A fault in runtime code called from wasm (a builtin, perhaps tail-
 * calling memset): its wasm caller is the first return address into wasm
 * code on the stack above sp (a few frames of leaf code at most); it
 * becomes frame 0. The rbp chain then goes on from that caller's frame,
 * or from *fp when *fp already is it (no frame of the runtime's own). */
static void runtime_caller(wsbx_trap_info *t, const struct guard *g, uintptr_t sp, uintptr_t *fp)
{
        for (uintptr_t p = sp & ~(uintptr_t)7; p + 8 <= g->hi && p < sp + 512; p += 8) {
                if (p < g->lo)
                        continue;
                uintptr_t ret = *(const uintptr_t *)p;
                const struct wsbx_code_reg *c = ret ? find_range(ret - 1) : NULL;
                if (!c)
                        continue;
                describe(&t->frames[0], c, ret, ret - 1);
                t->nframes = 1;
                /* A runtime frame below the wasm one: skip it, so that the
                 * walk does not name the same call twice. */
                if (*fp >= sp && *fp < p && (*fp & 7) == 0 && ((const uintptr_t *)*fp)[1] == ret)
                        *fp = ((const uintptr_t *)*fp)[0];
                return;
        }
}

/* --- signal handlers ------------------------------------------------------- */

static const int trap_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE };
#define NSIGNALS (sizeof trap_signals / sizeof trap_signals[0])
static struct sigaction prev_actions[NSIGNALS];
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;

static void chain(int sig, siginfo_t *si, void *ctx)
{
        const struct sigaction *p = NULL;
        for (size_t i = 0; i < NSIGNALS; i++)
                if (trap_signals[i] == sig)
                        p = &prev_actions[i];
        if (p && (p->sa_flags & SA_SIGINFO) && p->sa_sigaction) {
                p->sa_sigaction(sig, si, ctx);
                return;
        }
        if (p && p->sa_handler != SIG_DFL && p->sa_handler != SIG_IGN) {
                p->sa_handler(sig);
                return;
        }
        /* Default action (an ignored fault would only fault again): put
         * the default back and let the signal kill the process. A fault
         * repeats when we return; a signal sent by someone is re-raised. */
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        sigaction(sig, &dfl, NULL);
        if (si->si_code <= 0)
                raise(sig);
}

static void on_signal(int sig, siginfo_t *si, void *ctx)
{
        int saved_errno = errno;
        struct guard *g = cur_guard;

        if (g && si->si_code > 0) {
                const ucontext_t *uc = ctx;
                uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
                uintptr_t addr = (uintptr_t)si->si_addr;
                wsbx_trap kind = WSBX_TRAP_NONE;

                reader_enter();
                const struct wsbx_code_reg *c = find_range(pc);
                /* A page its pager poisoned (UFFDIO_POISON: the instance's
                 * memory quota is used up): BUS_MCEERR_AR, or BUS_ADRERR
                 * without CONFIG_MEMORY_FAILURE. Out of bounds is SIGSEGV;
                 * the only other such SIGBUS would be an image file
                 * truncated under the instance, which wsbx never does
                 * (sealed memfds, renamed cache entries). */
                bool poisoned = sig == SIGBUS && (si->si_code == BUS_MCEERR_AR || si->si_code == BUS_ADRERR);
                if (c) {
                        kind = trap_at(c, (uint32_t)(pc - c->lo));
                        if (kind == WSBX_TRAP_NONE && (sig == SIGSEGV || sig == SIGBUS) &&
                            addr >= g->guard_lo && addr < g->lo)
                                kind = WSBX_TRAP_STACK_OVERFLOW;
                        if (kind == WSBX_TRAP_MEMORY_OOB && poisoned)
                                kind = WSBX_TRAP_MEMORY_QUOTA;
                } else if (poisoned) {
                        /* Met by the runtime on the guest's behalf (a
                         * bulk-memory builtin's memset or memcpy, a host
                         * function or the instantiation copying into guest
                         * memory): a trap too, left from here as a builtin
                         * raises one; the backtrace starts at the nearest
                         * wasm frame. */
                        kind = WSBX_TRAP_MEMORY_QUOTA;
                }
                if (kind != WSBX_TRAP_NONE) {
                        wsbx_trap_info *t = g->out;
                        t->kind = kind;
                        t->signo = sig;
                        t->pc = pc;
                        t->fault_addr = (sig == SIGSEGV || sig == SIGBUS) ? addr : 0;
                        if (kind == WSBX_TRAP_UNINITIALIZED_ELEMENT) {
                                /* abi.h: such a site holds the index in r11. */
                                t->has_elem = true;
                                t->elem = (uint32_t)uc->uc_mcontext.gregs[REG_R11];
                        }
                        t->nframes = 0;
                        uintptr_t fp = (uintptr_t)uc->uc_mcontext.gregs[REG_RBP];
                        if (c) {
                                describe(&t->frames[0], c, pc, pc);
                                t->nframes = 1;
                        } else {
                                runtime_caller(t, g, (uintptr_t)uc->uc_mcontext.gregs[REG_RSP], &fp);
                        }
                        walk(t, g, fp, !c);
                        if (t->nframes) {
                                t->wasm_offset = t->frames[0].wasm_offset;
                                t->owner = t->frames[0].owner;
                        }
                        reader_exit();
                        errno = saved_errno;
                        siglongjmp(g->jb, (int)kind);
                }
                reader_exit();
        }
        errno = saved_errno;
        chain(sig, si, ctx);
}

static void install(void)
{
        struct sigaction sa;

        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_signal;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        for (size_t i = 0; i < NSIGNALS; i++) {
                if (sigaction(trap_signals[i], &sa, &prev_actions[i]) != 0) {
                        init_rc = -errno;
                        return;
                }
        }
}

int wsbx_trap_init(void)
{
        pthread_once(&init_once, install);
        return init_rc;
}

/* --- alternate signal stacks ---------------------------------------------- */

/* Enough for the kernel's signal frame (AVX-512 state included) and this
 * handler; a handler we chain to is expected to bring its own stack if it
 * needs more. An existing alternate stack at least this big is kept
 * (sanitizer runtimes install their own). */
#define ALTSTACK_MIN (32 * 1024)
#define ALTSTACK_SIZE (64 * 1024)

static __thread bool alt_ready __attribute__((tls_model("initial-exec")));
static pthread_key_t alt_key;
static pthread_once_t alt_once = PTHREAD_ONCE_INIT;
static int alt_key_rc;

static size_t page_size(void)
{
        long p = sysconf(_SC_PAGESIZE);
        return p > 0 ? (size_t)p : 4096;
}

/* Thread exit: stop using our stack before unmapping it. */
static void alt_free(void *map)
{
        size_t ps = page_size();
        stack_t cur;
        if (sigaltstack(NULL, &cur) == 0 && cur.ss_sp == (uint8_t *)map + ps) {
                stack_t off = { .ss_flags = SS_DISABLE };
                sigaltstack(&off, NULL);
        }
        munmap(map, ps + ALTSTACK_SIZE);
}

static void alt_key_create(void)
{
        alt_key_rc = -pthread_key_create(&alt_key, alt_free);
}

int wsbx_trap_thread_init(void)
{
        if (alt_ready)
                return 0;
        stack_t old;
        if (sigaltstack(NULL, &old) != 0)
                return -errno;
        if (!(old.ss_flags & SS_DISABLE) && old.ss_size >= ALTSTACK_MIN) {
                alt_ready = true;
                return 0;
        }
        pthread_once(&alt_once, alt_key_create);
        if (alt_key_rc)
                return alt_key_rc;
        size_t ps = page_size();
        /* A guard page below, so a handler that overruns faults instead of
         * writing over a neighbouring mapping. */
        uint8_t *map = mmap(NULL, ps + ALTSTACK_SIZE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (map == MAP_FAILED)
                return -errno;
        if (mprotect(map, ps, PROT_NONE) != 0) {
                int e = -errno;
                munmap(map, ps + ALTSTACK_SIZE);
                return e;
        }
        stack_t ss = { .ss_sp = map + ps, .ss_size = ALTSTACK_SIZE, .ss_flags = 0 };
        if (sigaltstack(&ss, NULL) != 0) {
                int e = -errno;
                munmap(map, ps + ALTSTACK_SIZE);
                return e;
        }
        int rc = pthread_setspecific(alt_key, map);
        if (rc) {
                stack_t off = { .ss_flags = SS_DISABLE };
                sigaltstack(&off, NULL);
                munmap(map, ps + ALTSTACK_SIZE);
                return -rc;
        }
        alt_ready = true;
        return 0;
}

/* --- guarded calls and raising ---------------------------------------------- */

int wsbx_call_guarded(wsbx_stack *s, wsbx_array_fn fn, struct wsbx_vmctx *callee,
                      struct wsbx_vmctx *caller, wsbx_val_raw *vals, uint32_t nvals,
                      wsbx_trap_info *trap)
{
        if (!s || !fn || !trap)
                return -EINVAL;
        int rc = wsbx_trap_init();
        if (rc == 0)
                rc = wsbx_trap_thread_init();
        if (rc < 0)
                return rc;

        memset(trap, 0, sizeof *trap);
        trap->wasm_offset = UINT32_MAX;

        struct guard g;
        g.prev = cur_guard;
        g.out = trap;
        g.stack = s;
        g.depth = wsbx_stack_depth(s);
        wsbx_stack_bounds(s, &g.guard_lo, &g.lo, &g.hi);
        /* Nothing that changes after sigsetjmp is read after a longjmp
         * except through g, which lives in memory. */
        if (sigsetjmp(g.jb, 0) != 0) {
                cur_guard = g.prev;
                wsbx_stack_unwound(g.stack, g.depth);
                return (int)g.out->kind;
        }
        cur_guard = &g;
        /* The handler reads cur_guard: keep the store before the call. */
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        rc = wsbx_stack_call(s, fn, callee, caller, vals, nvals);
        __atomic_signal_fence(__ATOMIC_SEQ_CST);
        cur_guard = g.prev;
        return rc;
}

/* noinline keeps a frame of its own, so __builtin_frame_address(0) is a
 * real rbp frame to start the walk from. */
static __attribute__((noinline)) _Noreturn void raise_from(wsbx_trap kind, const char *msg)
{
        struct guard *g = cur_guard;
        if (!g)
                abort();
        if (kind <= WSBX_TRAP_NONE || kind >= WSBX_TRAP_COUNT)
                kind = WSBX_TRAP_HOST;
        wsbx_trap_info *t = g->out;
        t->kind = kind;
        t->signo = 0;
        t->pc = 0;
        t->fault_addr = 0;
        t->nframes = 0;
        if (msg) {
                size_t n = strlen(msg);
                if (n >= sizeof t->host_msg)
                        n = sizeof t->host_msg - 1;
                memcpy(t->host_msg, msg, n);
                t->host_msg[n] = 0;
        }
        reader_enter();
        walk(t, g, (uintptr_t)__builtin_frame_address(0), true);
        reader_exit();
        if (t->nframes) {
                t->wasm_offset = t->frames[0].wasm_offset;
                t->owner = t->frames[0].owner;
        }
        siglongjmp(g->jb, (int)kind);
}

_Noreturn void wsbx_trap_raise(wsbx_trap kind)
{
        raise_from(kind, NULL);
}

_Noreturn void wsbx_trap_raise_msg(wsbx_trap kind, const char *msg)
{
        raise_from(kind, msg);
}

const char *wsbx_trap_message(wsbx_trap kind)
{
        switch (kind) {
        case WSBX_TRAP_NONE:
                return "no trap";
        case WSBX_TRAP_UNREACHABLE:
                return "unreachable";
        case WSBX_TRAP_MEMORY_OOB:
                return "out of bounds memory access";
        case WSBX_TRAP_INT_DIV_ZERO:
                return "integer divide by zero";
        case WSBX_TRAP_INT_OVERFLOW:
                return "integer overflow";
        case WSBX_TRAP_BAD_CONVERSION:
                return "invalid conversion to integer";
        case WSBX_TRAP_UNDEFINED_ELEMENT:
                return "undefined element";
        case WSBX_TRAP_UNINITIALIZED_ELEMENT:
                return "uninitialized element";
        case WSBX_TRAP_INDIRECT_CALL_TYPE:
                return "indirect call type mismatch";
        case WSBX_TRAP_TABLE_OOB:
                return "out of bounds table access";
        case WSBX_TRAP_STACK_OVERFLOW:
                return "call stack exhausted";
        case WSBX_TRAP_INTERRUPTED:
                return "interrupted";
        case WSBX_TRAP_HOST:
                return "host function failed";
        case WSBX_TRAP_MEMORY_QUOTA:
                return "memory quota exceeded";
        case WSBX_TRAP_COUNT:
                break;
        }
        return "unknown trap";
}
