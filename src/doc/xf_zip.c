/* The ZIP writer (doc/xf_zip.h): local header + data per entry, sizes and CRC known
 * before the header because each entry is compressed whole in memory first (entries
 * here are XML parts of at most a few MiB), then the central directory. */
#include "doc/xf_zip.h"

#include "util/xf_util.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

typedef struct entry {
	char *name;
	uint32_t crc, csize, usize, offset;
	uint16_t method;
} entry;

struct xf_zip {
	xf_doc_sink *out;
	entry *entries;
	size_t n, cap;
	uint32_t offset;
	uint16_t dos_time, dos_date;
	bool failed;
};

xf_zip *xf_zip_new(xf_doc_sink *out, int year, int month, int day, int hour, int minute)
{
	xf_zip *z = calloc(1, sizeof *z);
	if (!z)
		abort();
	z->out = out;
	if (year < 1980)
		year = 1980, month = 1, day = 1;
	z->dos_date = (uint16_t)(((year - 1980) << 9) | (month << 5) | day);
	z->dos_time = (uint16_t)((hour << 11) | (minute << 5));
	return z;
}

static void put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v, p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)v), put16(p + 2, (uint16_t)(v >> 16));
}

/* What an entry's local header and its central directory record share, from the method
 * to the name's length (20 bytes at p). */
static void put_entry(unsigned char *p, const xf_zip *z, const entry *e, size_t name_len)
{
	put16(p, e->method);
	put16(p + 2, z->dos_time);
	put16(p + 4, z->dos_date);
	put32(p + 6, e->crc);
	put32(p + 10, e->csize);
	put32(p + 14, e->usize);
	put16(p + 18, (uint16_t)name_len);
}

static void emit(xf_zip *z, const void *bytes, size_t n)
{
	if (xf_doc_sink_write(z->out, bytes, n) != XF_OK)
		z->failed = true;
	z->offset += (uint32_t)n;
}

int xf_zip_add(xf_zip *z, const char *name, const void *data, size_t n, bool store)
{
	size_t name_len = strlen(name);
	if (z->failed || n > 0xffffffffu - 1024 || z->n >= 0xffff || name_len > 0xffff)
		return z->failed = true, XF_ERR;
	unsigned char *packed = NULL;
	uLongf packed_len = 0;
	if (!store) {
		z_stream s = {0};
		if (deflateInit2(&s, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			return z->failed = true, XF_ERR;
		packed_len = deflateBound(&s, (uLong)n);
		packed = malloc(packed_len ? packed_len : 1);
		if (!packed)
			abort();
		s.next_in = (Bytef *)data;
		s.avail_in = (uInt)n;
		s.next_out = packed;
		s.avail_out = (uInt)packed_len;
		int rc = deflate(&s, Z_FINISH);
		packed_len = s.total_out;
		deflateEnd(&s);
		if (rc != Z_STREAM_END) {
			free(packed);
			return z->failed = true, XF_ERR;
		}
	}
	XF_GROW(z->entries, z->n + 1, z->cap);
	entry *e = &z->entries[z->n++];
	e->name = strdup(name);
	if (!e->name)
		abort();
	e->crc = (uint32_t)crc32(crc32(0, NULL, 0), data, (uInt)n);
	e->usize = (uint32_t)n;
	e->csize = store ? (uint32_t)n : (uint32_t)packed_len;
	e->method = store ? 0 : 8;
	e->offset = z->offset;
	unsigned char h[30];
	put32(h, 0x04034b50);
	put16(h + 4, 20);     /* version needed: 2.0 */
	put16(h + 6, 0x0800); /* names are UTF-8 */
	put_entry(h + 8, z, e, name_len);
	put16(h + 28, 0);
	emit(z, h, sizeof h);
	emit(z, name, name_len);
	emit(z, store ? data : packed, e->csize);
	free(packed);
	return z->failed ? XF_ERR : XF_OK;
}

int xf_zip_finish(xf_zip *z)
{
	uint32_t start = z->offset;
	for (size_t i = 0; i < z->n; i++) {
		entry *e = &z->entries[i];
		size_t name_len = strlen(e->name);
		unsigned char h[46];
		put32(h, 0x02014b50);
		put16(h + 4, 0x0314); /* made by: Unix, 2.0 */
		put16(h + 6, 20);
		put16(h + 8, 0x0800);
		put_entry(h + 10, z, e, name_len);
		put16(h + 30, 0); /* extra */
		put16(h + 32, 0); /* comment */
		put16(h + 34, 0); /* disk */
		put16(h + 36, 0); /* internal attributes */
		put32(h + 38, 0100644u << 16);
		put32(h + 42, e->offset);
		emit(z, h, sizeof h);
		emit(z, e->name, name_len);
		free(e->name);
	}
	unsigned char end[22];
	put32(end, 0x06054b50);
	put16(end + 4, 0);
	put16(end + 6, 0);
	put16(end + 8, (uint16_t)z->n);
	put16(end + 10, (uint16_t)z->n);
	put32(end + 12, z->offset - start);
	put32(end + 16, start);
	put16(end + 20, 0);
	emit(z, end, sizeof end);
	bool failed = z->failed;
	free(z->entries);
	free(z);
	return failed ? XF_ERR : XF_OK;
}
