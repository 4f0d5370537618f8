/* Thumbnails of photos for the record list: a JPEG or PNG file is decoded, its pixels
 * scaled down (box filter) to at most XF_THUMB_MAX pixels on the longer side and
 * re-encoded as a new JPEG. Only pixels are carried over, never metadata, so nothing
 * of the original's EXIF (GPS position, camera, time) reaches the thumbnail. */
#ifndef XF_THUMB_H
#define XF_THUMB_H

#include <stddef.h>

#define XF_THUMB_MAX 320
/* Images larger than this many pixels get no thumbnail (a decompression bomb). */
#define XF_THUMB_MAX_PIXELS (80u * 1000u * 1000u)

/* Makes the thumbnail of the image file at path of type mime ("image/jpeg",
 * "image/png"). Returns 0 with *out (malloc'd JPEG bytes) and *len, or -1 when the
 * type has no thumbnail or the image cannot be decoded. */
int xf_thumb_make(const char *path, const char *mime, unsigned char **out, size_t *len);

#endif
