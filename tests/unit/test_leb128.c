/* test_leb128.c - the bounds-checked LEB128 readers of internal.h and the
 * encoders of buf.c: round trips at every width, the longest legal
 * encodings, and each error the readers report with the spec's wording. */
#include <criterion/criterion.h>
#include "internal.h"

static wsbx_error err;

static wsbx_reader reader(const uint8_t *p, size_t n)
{
        memset(&err, 0, sizeof err);
        return (wsbx_reader){.start = p, .p = p, .end = p + n, .base = 100, .err = &err};
}

/* Reads bytes as an unsigned LEB128 of `bits` bits; returns success. */
static bool read_u(const uint8_t *p, size_t n, unsigned bits, uint64_t *v)
{
        wsbx_reader r = reader(p, n);
        bool ok = wsbx_read_uleb(&r, bits, v);
        if (ok)
                cr_assert_eq(r.p, p + n, "the whole encoding should be consumed");
        return ok;
}

static bool read_s(const uint8_t *p, size_t n, unsigned bits, int64_t *v)
{
        wsbx_reader r = reader(p, n);
        bool ok = wsbx_read_sleb(&r, bits, v);
        if (ok)
                cr_assert_eq(r.p, p + n, "the whole encoding should be consumed");
        return ok;
}

static void expect_u_error(const uint8_t *p, size_t n, unsigned bits, const char *msg)
{
        uint64_t v;
        cr_assert_not(read_u(p, n, bits, &v), "u%u should fail with %s", bits, msg);
        cr_assert_eq(err.kind, WSBX_ERR_MALFORMED);
        cr_assert_str_eq(err.msg, msg);
}

static void expect_s_error(const uint8_t *p, size_t n, unsigned bits, const char *msg)
{
        int64_t v;
        cr_assert_not(read_s(p, n, bits, &v), "s%u should fail with %s", bits, msg);
        cr_assert_eq(err.kind, WSBX_ERR_MALFORMED);
        cr_assert_str_eq(err.msg, msg);
}

Test(leb128, unsigned_round_trips)
{
        static const uint64_t vals[] = {0, 1, 63, 64, 127, 128, 0x3fff, 0x4000, 624485,
                                        0x7fffffff, 0x80000000, 0xffffffff, 0x100000000,
                                        0x7fffffffffffffff, UINT64_MAX};
        for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
                wsbx_buf b = {0};
                wsbx_buf_uleb(&b, vals[i]);
                cr_assert_not(b.oom);
                uint64_t v = 0;
                cr_assert(read_u(b.data, b.len, 64, &v), "u64 %llu: %s", (unsigned long long)vals[i], err.msg);
                cr_assert_eq(v, vals[i]);
                if (vals[i] <= UINT32_MAX) {
                        wsbx_reader r = reader(b.data, b.len);
                        uint32_t v32 = 0;
                        cr_assert(wsbx_read_u32(&r, &v32));
                        cr_assert_eq(v32, (uint32_t)vals[i]);
                } else {
                        uint32_t v32;
                        wsbx_reader r = reader(b.data, b.len);
                        cr_assert_not(wsbx_read_u32(&r, &v32), "%llu does not fit u32",
                                      (unsigned long long)vals[i]);
                }
                wsbx_buf_free(&b);
        }
}

Test(leb128, signed_round_trips)
{
        static const int64_t vals[] = {0, 1, -1, 63, 64, -64, -65, 8191, -8192, -123456,
                                       INT32_MAX, INT32_MIN, (int64_t)UINT32_MAX, -((int64_t)1 << 32),
                                       INT64_MAX, INT64_MIN};
        for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
                wsbx_buf b = {0};
                wsbx_buf_sleb(&b, vals[i]);
                int64_t v = 0;
                cr_assert(read_s(b.data, b.len, 64, &v), "s64 %lld: %s", (long long)vals[i], err.msg);
                cr_assert_eq(v, vals[i]);
                bool fits32 = vals[i] >= INT32_MIN && vals[i] <= INT32_MAX;
                bool fits33 = vals[i] >= -((int64_t)1 << 32) && vals[i] < ((int64_t)1 << 32);
                cr_assert_eq(read_s(b.data, b.len, 32, &v), fits32, "s32 %lld", (long long)vals[i]);
                if (fits32)
                        cr_assert_eq(v, vals[i]);
                cr_assert_eq(read_s(b.data, b.len, 33, &v), fits33, "s33 %lld", (long long)vals[i]);
                if (fits33)
                        cr_assert_eq(v, vals[i]);
                wsbx_buf_free(&b);
        }
}

Test(leb128, encoders_write_known_bytes)
{
        wsbx_buf b = {0};
        wsbx_buf_uleb(&b, 624485);
        wsbx_buf_sleb(&b, -123456);
        wsbx_buf_sleb(&b, 64);
        wsbx_buf_sleb(&b, -65);
        wsbx_buf_uleb(&b, 0);
        static const uint8_t want[] = {0xe5, 0x8e, 0x26, 0xc0, 0xbb, 0x78, 0xc0, 0x00, 0xbf, 0x7f, 0x00};
        cr_assert_eq(b.len, sizeof want);
        cr_assert_arr_eq(b.data, want, sizeof want);
        wsbx_buf_free(&b);
}

Test(leb128, longest_encodings_are_accepted)
{
        static const uint8_t u32_zero[] = {0x80, 0x80, 0x80, 0x80, 0x00};
        static const uint8_t u32_max[] = {0xff, 0xff, 0xff, 0xff, 0x0f};
        static const uint8_t u64_max[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
        static const uint8_t s32_m1[] = {0xff, 0xff, 0xff, 0xff, 0x7f};
        static const uint8_t s32_min[] = {0x80, 0x80, 0x80, 0x80, 0x78};
        static const uint8_t s64_min[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f};
        uint64_t u;
        int64_t s;
        cr_assert(read_u(u32_zero, 5, 32, &u));
        cr_assert_eq(u, 0);
        cr_assert(read_u(u32_max, 5, 32, &u));
        cr_assert_eq(u, UINT32_MAX);
        cr_assert(read_u(u64_max, 10, 64, &u));
        cr_assert_eq(u, UINT64_MAX);
        cr_assert(read_s(s32_m1, 5, 32, &s));
        cr_assert_eq(s, -1);
        cr_assert(read_s(s32_min, 5, 32, &s));
        cr_assert_eq(s, INT32_MIN);
        cr_assert(read_s(s64_min, 10, 64, &s));
        cr_assert_eq(s, INT64_MIN);
}

Test(leb128, representation_too_long)
{
        static const uint8_t u32_six[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
        static const uint8_t u64_eleven[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
        static const uint8_t s32_six[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
        static const uint8_t s33_six[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
        static const uint8_t s64_eleven[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
        static const uint8_t s7_two[] = {0xff, 0x7f};
        expect_u_error(u32_six, sizeof u32_six, 32, "integer representation too long");
        expect_u_error(u64_eleven, sizeof u64_eleven, 64, "integer representation too long");
        expect_s_error(s32_six, sizeof s32_six, 32, "integer representation too long");
        expect_s_error(s33_six, sizeof s33_six, 33, "integer representation too long");
        expect_s_error(s64_eleven, sizeof s64_eleven, 64, "integer representation too long");
        expect_s_error(s7_two, sizeof s7_two, 7, "integer representation too long");
        /* The error points at the start of the number. */
        cr_assert_eq(err.offset, 100);
}

Test(leb128, integer_too_large)
{
        static const uint8_t u32_bit32[] = {0x80, 0x80, 0x80, 0x80, 0x10};
        static const uint8_t u32_bit38[] = {0x82, 0x80, 0x80, 0x80, 0x40};
        static const uint8_t u64_bit64[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02};
        static const uint8_t s32_bad_sign[] = {0xff, 0xff, 0xff, 0xff, 0x4f};
        static const uint8_t s32_pos_over[] = {0x80, 0x80, 0x80, 0x80, 0x08};
        static const uint8_t s33_bad[] = {0x80, 0x80, 0x80, 0x80, 0x20};
        static const uint8_t s64_bad[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
        static const uint8_t u1_two[] = {0x02};
        expect_u_error(u32_bit32, sizeof u32_bit32, 32, "integer too large");
        expect_u_error(u32_bit38, sizeof u32_bit38, 32, "integer too large");
        expect_u_error(u64_bit64, sizeof u64_bit64, 64, "integer too large");
        expect_s_error(s32_bad_sign, sizeof s32_bad_sign, 32, "integer too large");
        expect_s_error(s32_pos_over, sizeof s32_pos_over, 32, "integer too large");
        expect_s_error(s33_bad, sizeof s33_bad, 33, "integer too large");
        expect_s_error(s64_bad, sizeof s64_bad, 64, "integer too large");
        expect_u_error(u1_two, sizeof u1_two, 1, "integer too large");
}

Test(leb128, too_large_is_checked_before_too_long)
{
        /* As the reference interpreter: the unused bits of the last byte
         * are checked first, then its continuation bit. */
        static const uint8_t u32[] = {0x80, 0x80, 0x80, 0x80, 0x90, 0x00};
        static const uint8_t s32[] = {0x80, 0x80, 0x80, 0x80, 0xc0, 0x00};
        static const uint8_t u32_long[] = {0x80, 0x80, 0x80, 0x80, 0x8f, 0x00};
        expect_u_error(u32, sizeof u32, 32, "integer too large");
        expect_s_error(s32, sizeof s32, 32, "integer too large");
        expect_u_error(u32_long, sizeof u32_long, 32, "integer representation too long");
}

Test(leb128, unexpected_end)
{
        static const uint8_t cont[] = {0x80, 0x80};
        expect_u_error(cont, sizeof cont, 32, "unexpected end");
        cr_assert_eq(err.offset, 102, "points at the end of the input");
        expect_u_error(cont, 0, 64, "unexpected end");
        expect_s_error(cont, sizeof cont, 64, "unexpected end");
        expect_s_error(cont, 0, 33, "unexpected end");

        uint8_t b;
        const uint8_t *p;
        wsbx_reader r = reader(cont, 1);
        cr_assert(wsbx_read_u8(&r, &b));
        cr_assert_eq(b, 0x80);
        cr_assert_not(wsbx_read_u8(&r, &b));
        cr_assert_str_eq(err.msg, "unexpected end");
        r = reader(cont, 2);
        cr_assert_not(wsbx_read_bytes(&r, 3, &p));
        cr_assert_str_eq(err.msg, "unexpected end");
        cr_assert(wsbx_read_bytes(&r, 2, &p));
        cr_assert_eq(p, cont);
        cr_assert_eq(wsbx_reader_left(&r), 0);
        cr_assert_eq(wsbx_reader_offset(&r), 102);
}

Test(leb128, u32_fast_path_and_failures_leave_value)
{
        static const uint8_t one[] = {0x05, 0x7f};
        wsbx_reader r = reader(one, 2);
        uint32_t v = 0;
        cr_assert(wsbx_read_u32(&r, &v));
        cr_assert_eq(v, 5);
        cr_assert(wsbx_read_u32(&r, &v));
        cr_assert_eq(v, 0x7f);
        cr_assert_not(wsbx_read_u32(&r, &v));
        cr_assert_eq(err.kind, WSBX_ERR_MALFORMED);
}
