/* stack.c - guest stacks and the switch onto them.
 *
 * A guest stack is one mapping: `guard` bytes of PROT_NONE below `size`
 * bytes of read/write stack. Compiled code never relies on the guard: its
 * prologues compare rsp with vmctx->stack_limit, which sits
 * WSBX_STACK_HEADROOM above the usable bottom, and trap "call stack
 * exhausted" there. The headroom is for builtins, host functions and the
 * code that raises traps; the guard catches anything that still runs off
 * the end (the trap handler reports a guard hit at a registered PC as a
 * stack overflow, anything else as a crash).
 *
 * wsbx_stack_call() switches to the top of the stack only for the
 * outermost call; a nested call (host -> wasm -> host -> wasm) finds the
 * current rsp already inside the stack and calls straight through, so
 * nested frames continue below the live ones. `depth` counts the active
 * calls; a trap that unwinds past wsbx_stack_call() restores it through
 * wsbx_stack_unwound().
 *
 * Sanitizer builds tell AddressSanitizer about each switch (its fiber
 * annotations), and unpoison the dead part of the stack after a trap,
 * since frames abandoned by longjmp leave their redzones poisoned.
 */
#include "loader.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define WSBX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WSBX_ASAN 1
#endif
#endif
#ifdef WSBX_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

struct wsbx_stack {
        uint8_t *map;
        size_t map_len;
        uintptr_t guard_lo, lo, hi;
        uint32_t depth; /* atomic: read by other threads to refuse sharing */
#ifdef WSBX_ASAN
        /* The host stack and its fake stack while the outermost call runs
         * on this one: a trap unwinds to the host without passing the
         * annotated return path, and must restore them. */
        const void *host_bottom;
        size_t host_size;
        void *host_fake;
        bool switched;
#endif
};

/* In stack_switch.S. */
void wsbx_stack_switch_call(void *top, void (*entry)(void *), void *arg);

struct entry_args {
        wsbx_stack *s;
        wsbx_array_fn fn;
        struct wsbx_vmctx *callee, *caller;
        wsbx_val_raw *vals;
        uint32_t nvals;
};

static size_t page_round(size_t x)
{
        long p = sysconf(_SC_PAGESIZE);
        size_t ps = p > 0 ? (size_t)p : 4096;
        return (x + ps - 1) / ps * ps;
}

int wsbx_stack_new(size_t size, size_t guard, wsbx_stack **out)
{
        *out = NULL;
        if (!size)
                size = WSBX_STACK_DEFAULT_SIZE;
        if (!guard)
                guard = WSBX_STACK_DEFAULT_GUARD;
        if (size < 2 * WSBX_STACK_HEADROOM || size > ((size_t)1 << 36) || guard > ((size_t)1 << 32))
                return -EINVAL;
        size = page_round(size);
        guard = page_round(guard);

        wsbx_stack *s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        s->map_len = guard + size;
        /* MAP_NORESERVE: a deep stack is rarely touched to the bottom.
         * MAP_GROWSDOWN is avoided on purpose: its implicit guard gap and
         * growth rules would blur the explicit guard below. */
        s->map = mmap(NULL, s->map_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                      -1, 0);
        if (s->map == MAP_FAILED) {
                int e = -errno;
                free(s);
                return e;
        }
        if (mprotect(s->map + guard, size, PROT_READ | PROT_WRITE) != 0) {
                int e = -errno;
                munmap(s->map, s->map_len);
                free(s);
                return e;
        }
        s->guard_lo = (uintptr_t)s->map;
        s->lo = s->guard_lo + guard;
        s->hi = s->lo + size;
        *out = s;
        return 0;
}

void wsbx_stack_delete(wsbx_stack *s)
{
        if (!s)
                return;
        munmap(s->map, s->map_len);
        free(s);
}

uint64_t wsbx_stack_limit(const wsbx_stack *s)
{
        return s->lo + WSBX_STACK_HEADROOM;
}

void wsbx_stack_bounds(const wsbx_stack *s, uintptr_t *guard_lo, uintptr_t *lo, uintptr_t *hi)
{
        if (guard_lo)
                *guard_lo = s->guard_lo;
        if (lo)
                *lo = s->lo;
        if (hi)
                *hi = s->hi;
}

uint32_t wsbx_stack_depth(const wsbx_stack *s)
{
        return __atomic_load_n(&s->depth, __ATOMIC_RELAXED);
}

/* Runs on the guest stack. */
static void on_guest_stack(void *arg)
{
        struct entry_args *a = arg;
#ifdef WSBX_ASAN
        __sanitizer_finish_switch_fiber(NULL, &a->s->host_bottom, &a->s->host_size);
#endif
        a->fn(a->callee, a->caller, a->vals, a->nvals);
#ifdef WSBX_ASAN
        __sanitizer_start_switch_fiber(NULL, a->s->host_bottom, a->s->host_size);
#endif
}

static bool on_stack(const wsbx_stack *s)
{
        uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
        return sp >= s->lo && sp < s->hi;
}

int wsbx_stack_call(wsbx_stack *s, wsbx_array_fn fn, struct wsbx_vmctx *callee,
                    struct wsbx_vmctx *caller, wsbx_val_raw *vals, uint32_t nvals)
{
        uint32_t depth = wsbx_stack_depth(s);

        if (depth && on_stack(s)) {
                __atomic_store_n(&s->depth, depth + 1, __ATOMIC_RELAXED);
                fn(callee, caller, vals, nvals);
                __atomic_store_n(&s->depth, depth, __ATOMIC_RELAXED);
                return 0;
        }
        if (depth)
                return -EBUSY;

        struct entry_args a = {
                .s = s, .fn = fn, .callee = callee, .caller = caller, .vals = vals, .nvals = nvals,
        };
        __atomic_store_n(&s->depth, 1, __ATOMIC_RELAXED);
#ifdef WSBX_ASAN
        s->switched = true;
        __sanitizer_start_switch_fiber(&s->host_fake, (const void *)s->lo, s->hi - s->lo);
#endif
        /* The top is 16-byte aligned (page aligned, in fact). */
        wsbx_stack_switch_call((void *)s->hi, on_guest_stack, &a);
#ifdef WSBX_ASAN
        __sanitizer_finish_switch_fiber(s->host_fake, NULL, NULL);
        s->switched = false;
#endif
        __atomic_store_n(&s->depth, 0, __ATOMIC_RELAXED);
        return 0;
}

#ifdef WSBX_ASAN
/* Everything on the guest stack below this function's frame is dead after
 * an unwind; noinline so that "below" does not include the caller's
 * live locals. */
static __attribute__((noinline)) void unpoison_below(const wsbx_stack *s)
{
        uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
        uintptr_t top = fp >= s->lo && fp < s->hi ? fp : s->hi;
        __asan_unpoison_memory_region((void *)s->lo, top - s->lo);
}

/* The host-stack frames between the guarded call's sigsetjmp and the
 * switch to the guest stack were abandoned by siglongjmp. ASan's longjmp
 * interceptor cannot clean them up because the jump started on another
 * stack, so their redzones stay poisoned and a later frame laid over them
 * trips a false report. Everything on the host stack below this function's
 * frame is dead here. */
static __attribute__((noinline)) void unpoison_host_below(const wsbx_stack *s)
{
        uintptr_t lo = (uintptr_t)s->host_bottom;
        uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
        if (lo && fp > lo && fp - lo <= s->host_size)
                __asan_unpoison_memory_region((void *)lo, fp - lo);
}
#endif

void wsbx_stack_unwound(wsbx_stack *s, uint32_t depth)
{
        __atomic_store_n(&s->depth, depth, __ATOMIC_RELAXED);
#ifdef WSBX_ASAN
        if (depth == 0 && s->switched) {
                /* Back on the host stack without passing the annotated
                 * return path: drop the guest's fake stack and tell ASan
                 * which stack this is again. */
                __sanitizer_start_switch_fiber(NULL, s->host_bottom, s->host_size);
                __sanitizer_finish_switch_fiber(s->host_fake, NULL, NULL);
                s->switched = false;
                unpoison_host_below(s);
        }
        unpoison_below(s);
#endif
}
