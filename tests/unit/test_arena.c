/* Unit tests of the request arena (util/xf_arena.h): alignment and zeroing of every
 * allocation, small allocations spilling over block boundaries, large allocations in
 * blocks of their own with small ones still served after them, the string helpers, and
 * release followed by reuse. Under ASan these also prove allocations do not overlap
 * and that release frees everything. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/xf_arena.h"

static void assert_aligned_zeroed(const void *p, size_t n)
{
	assert_non_null(p);
	assert_int_equal((uintptr_t)p % 16, 0);
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(c[i], 0);
}

/* n fresh bytes from a (checked aligned and zeroed), then filled with `fill`. */
static unsigned char *alloc_filled(xf_arena *a, size_t n, int fill)
{
	unsigned char *p = xf_arena_alloc(a, n);
	assert_aligned_zeroed(p, n);
	memset(p, fill, n);
	return p;
}

static void test_many_small_allocations(void **state)
{
	xf_arena a;
	xf_arena_init(&a);
	enum { N = 3000 };
	static unsigned char *ptrs[N];
	static size_t sizes[N];
	for (size_t i = 0; i < N; i++) {
		sizes[i] = 1 + (i * 7) % 100;
		ptrs[i] = xf_arena_alloc(&a, sizes[i]);
		assert_aligned_zeroed(ptrs[i], sizes[i]);
		/* Dirty it, so a later allocation that overlapped would not read as zero and
		 * a later check below would see the overwrite. */
		memset(ptrs[i], (int)(i & 0xff) | 1, sizes[i]);
	}
	for (size_t i = 0; i < N; i++)
		for (size_t j = 0; j < sizes[i]; j++)
			assert_int_equal(ptrs[i][j], (i & 0xff) | 1);
	xf_arena_release(&a);
	assert_null(a.head);
	assert_int_equal(a.used, 0);
}

static void test_alignment_of_odd_sizes(void **state)
{
	xf_arena a;
	xf_arena_init(&a);
	for (size_t n = 1; n <= 40; n++) {
		void *p = xf_arena_alloc(&a, n);
		assert_aligned_zeroed(p, n);
		memset(p, 0xff, n);
	}
	/* Storing a type that needs 16-byte alignment is fine. */
	long double *ld = xf_arena_alloc(&a, sizeof *ld);
	*ld = 1.5L;
	assert_true(*ld == 1.5L);
	xf_arena_release(&a);
}

static void test_zero_size_allocation(void **state)
{
	xf_arena a;
	xf_arena_init(&a);
	void *p = xf_arena_alloc(&a, 0);
	assert_non_null(p);
	char *s = xf_arena_alloc(&a, 5);
	assert_aligned_zeroed(s, 5);
	xf_arena_release(&a);
}

static void test_large_allocation_then_small(void **state)
{
	xf_arena a;
	xf_arena_init(&a);

	/* Large as the first allocation. */
	unsigned char *big1 = alloc_filled(&a, 5000, 0xAA);
	unsigned char *small1 = alloc_filled(&a, 24, 0x11);

	/* Large after small ones: the head keeps serving small allocations. */
	unsigned char *big2 = alloc_filled(&a, 2049, 0xBB);
	unsigned char *big3 = alloc_filled(&a, 100000, 0xCC);

	unsigned char *smalls[200];
	for (int i = 0; i < 200; i++)
		smalls[i] = alloc_filled(&a, 64, i);

	/* Nothing overwrote anything else. */
	for (size_t i = 0; i < 5000; i++)
		assert_int_equal(big1[i], 0xAA);
	for (size_t i = 0; i < 24; i++)
		assert_int_equal(small1[i], 0x11);
	for (size_t i = 0; i < 2049; i++)
		assert_int_equal(big2[i], 0xBB);
	for (size_t i = 0; i < 100000; i++)
		assert_int_equal(big3[i], 0xCC);
	for (int i = 0; i < 200; i++)
		for (size_t j = 0; j < 64; j++)
			assert_int_equal(smalls[i][j], i);
	xf_arena_release(&a);
}

static void test_boundary_sizes(void **state)
{
	xf_arena a;
	xf_arena_init(&a);
	/* 2048 is the largest "small" size, 2049 the smallest "large" one; an 8 KiB
	 * request fills a whole block. */
	size_t sizes[] = {2048, 2048, 2048, 2048, 2048, 2049, 8192, 8193, 1, 2048};
	unsigned char *p[XF_ARRAY_LEN(sizes)];
	for (size_t i = 0; i < XF_ARRAY_LEN(sizes); i++) {
		p[i] = xf_arena_alloc(&a, sizes[i]);
		assert_aligned_zeroed(p[i], sizes[i]);
		memset(p[i], (int)i + 1, sizes[i]);
	}
	for (size_t i = 0; i < XF_ARRAY_LEN(sizes); i++)
		for (size_t j = 0; j < sizes[i]; j++)
			assert_int_equal(p[i][j], i + 1);
	xf_arena_release(&a);
}

static void test_strings(void **state)
{
	xf_arena a;
	xf_arena_init(&a);
	const char *src = "包保责任人";
	char *d = xf_arena_strdup(&a, src);
	assert_string_equal(d, src);
	assert_ptr_not_equal(d, src);
	assert_int_equal((uintptr_t)d % 16, 0);

	char *n = xf_arena_strndup(&a, "abcdef", 3);
	assert_string_equal(n, "abc");
	n = xf_arena_strndup(&a, "abcdef", 0);
	assert_string_equal(n, "");
	/* strndup copies exactly n bytes, even past an inner NUL: it is a byte copy */
	n = xf_arena_strndup(&a, "ab\0cd", 5);
	assert_memory_equal(n, "ab\0cd", 6);

	char *e = xf_arena_strdup(&a, "");
	assert_string_equal(e, "");

	char *f = xf_arena_printf(&a, "%s/%d/%05.1f", "units", 17, 2.25);
	assert_string_equal(f, "units/17/002.2");
	f = xf_arena_printf(&a, "%s", "");
	assert_string_equal(f, "");

	/* A formatted string too big for a block goes to a block of its own. */
	char long_text[5000];
	memset(long_text, 'q', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = '\0';
	char *g = xf_arena_printf(&a, "<%s>", long_text);
	assert_int_equal(strlen(g), 5001);
	assert_int_equal(g[0], '<');
	assert_int_equal(g[5000], '>');
	char *h = xf_arena_strdup(&a, long_text);
	assert_string_equal(h, long_text);

	/* earlier strings still intact */
	assert_string_equal(d, src);
	xf_arena_release(&a);
}

static void test_release_then_reuse(void **state)
{
	xf_arena a;
	xf_arena_init(&a);
	for (int round = 0; round < 5; round++) {
		for (int i = 0; i < 500; i++) {
			char *s = xf_arena_printf(&a, "round %d item %d", round, i);
			assert_non_null(s);
		}
		void *big = xf_arena_alloc(&a, 10000);
		assert_aligned_zeroed(big, 10000);
		char *s = xf_arena_alloc(&a, 32);
		assert_aligned_zeroed(s, 32);
		xf_arena_release(&a);
		assert_null(a.head);
		assert_int_equal(a.used, 0);
	}
	/* release of an empty arena is harmless, twice */
	xf_arena_release(&a);
	xf_arena_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_many_small_allocations),
	    cmocka_unit_test(test_alignment_of_odd_sizes),
	    cmocka_unit_test(test_zero_size_allocation),
	    cmocka_unit_test(test_large_allocation_then_small),
	    cmocka_unit_test(test_boundary_sizes),
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_release_then_reuse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
