/* Thumbnails (see xf_thumb.h): libjpeg decodes JPEG (with its own 1/2, 1/4, 1/8
 * scaling first, so a large photo is never decoded whole), libpng's simplified API
 * decodes PNG (alpha over white), a box filter scales to the final size and libjpeg
 * encodes the result into memory without any marker but the image. */
#include "core/xf_thumb.h"

#include <stdio.h> /* before jpeglib.h, which needs FILE */

#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

typedef struct image {
	unsigned char *rgb; /* width * height * 3 */
	unsigned width, height;
} image;

typedef struct jpeg_error {
	struct jpeg_error_mgr mgr;
	jmp_buf jump;
} jpeg_error;

static void jpeg_fail(j_common_ptr info)
{
	longjmp(((jpeg_error *)info->err)->jump, 1);
}

static void jpeg_quiet(j_common_ptr info, int level)
{
	(void)info;
	(void)level;
}

static int decode_jpeg(const char *path, image *img)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	struct jpeg_decompress_struct info;
	jpeg_error err;
	info.err = jpeg_std_error(&err.mgr);
	err.mgr.error_exit = jpeg_fail;
	err.mgr.emit_message = jpeg_quiet;
	unsigned char *volatile rgb = NULL;
	if (setjmp(err.jump)) {
		jpeg_destroy_decompress(&info);
		fclose(f);
		free(rgb);
		return -1;
	}
	jpeg_create_decompress(&info);
	jpeg_stdio_src(&info, f);
	jpeg_read_header(&info, TRUE);
	if ((unsigned long long)info.image_width * info.image_height > XF_THUMB_MAX_PIXELS * 4ull)
		longjmp(err.jump, 1);
	unsigned longer =
	    info.image_width > info.image_height ? info.image_width : info.image_height;
	info.scale_num = 1;
	info.scale_denom = 1;
	while (info.scale_denom < 8 && longer / (info.scale_denom * 2) >= XF_THUMB_MAX)
		info.scale_denom *= 2;
	info.out_color_space = JCS_RGB;
	jpeg_start_decompress(&info);
	if (info.output_components != 3)
		longjmp(err.jump, 1);
	size_t stride = (size_t)info.output_width * 3;
	rgb = malloc(stride * info.output_height);
	if (!rgb)
		longjmp(err.jump, 1);
	while (info.output_scanline < info.output_height) {
		JSAMPROW row = rgb + stride * info.output_scanline;
		jpeg_read_scanlines(&info, &row, 1);
	}
	jpeg_finish_decompress(&info);
	img->width = info.output_width;
	img->height = info.output_height;
	jpeg_destroy_decompress(&info);
	fclose(f);
	img->rgb = rgb;
	return 0;
}

static int decode_png(const char *path, image *img)
{
	png_image png;
	memset(&png, 0, sizeof png);
	png.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&png, path))
		return -1;
	if ((unsigned long long)png.width * png.height > XF_THUMB_MAX_PIXELS) {
		png_image_free(&png);
		return -1;
	}
	png.format = PNG_FORMAT_RGB;
	size_t size = PNG_IMAGE_SIZE(png);
	unsigned char *rgb = malloc(size);
	png_color white = {255, 255, 255};
	if (!rgb || !png_image_finish_read(&png, &white, rgb, 0, NULL)) {
		free(rgb);
		png_image_free(&png);
		return -1;
	}
	img->rgb = rgb;
	img->width = png.width;
	img->height = png.height;
	return 0;
}

/* Box filter: each output pixel is the mean of the input pixels it covers. */
static image scale(const image *in)
{
	unsigned longer = in->width > in->height ? in->width : in->height;
	image out = *in;
	if (longer <= XF_THUMB_MAX) {
		out.rgb = malloc((size_t)in->width * in->height * 3);
		if (out.rgb)
			memcpy(out.rgb, in->rgb, (size_t)in->width * in->height * 3);
		return out;
	}
	out.width = (unsigned)((unsigned long long)in->width * XF_THUMB_MAX / longer);
	out.height = (unsigned)((unsigned long long)in->height * XF_THUMB_MAX / longer);
	if (!out.width)
		out.width = 1;
	if (!out.height)
		out.height = 1;
	out.rgb = malloc((size_t)out.width * out.height * 3);
	if (!out.rgb)
		return out;
	for (unsigned y = 0; y < out.height; y++) {
		unsigned y0 = (unsigned)((unsigned long long)y * in->height / out.height);
		unsigned y1 = (unsigned)((unsigned long long)(y + 1) * in->height / out.height);
		if (y1 <= y0)
			y1 = y0 + 1;
		for (unsigned x = 0; x < out.width; x++) {
			unsigned x0 = (unsigned)((unsigned long long)x * in->width / out.width);
			unsigned x1 =
			    (unsigned)((unsigned long long)(x + 1) * in->width / out.width);
			if (x1 <= x0)
				x1 = x0 + 1;
			unsigned long sum[3] = {0, 0, 0}, n = 0;
			for (unsigned yy = y0; yy < y1; yy++)
				for (unsigned xx = x0; xx < x1; xx++) {
					const unsigned char *p =
					    in->rgb + ((size_t)yy * in->width + xx) * 3;
					sum[0] += p[0];
					sum[1] += p[1];
					sum[2] += p[2];
					n++;
				}
			unsigned char *q = out.rgb + ((size_t)y * out.width + x) * 3;
			for (int c = 0; c < 3; c++)
				q[c] = (unsigned char)((sum[c] + n / 2) / n);
		}
	}
	return out;
}

static int encode_jpeg(const image *img, unsigned char **out, size_t *len)
{
	struct jpeg_compress_struct info;
	jpeg_error err;
	info.err = jpeg_std_error(&err.mgr);
	err.mgr.error_exit = jpeg_fail;
	err.mgr.emit_message = jpeg_quiet;
	unsigned char *volatile buf = NULL;
	unsigned long size = 0;
	if (setjmp(err.jump)) {
		jpeg_destroy_compress(&info);
		free(buf);
		return -1;
	}
	jpeg_create_compress(&info);
	jpeg_mem_dest(&info, (unsigned char **)&buf, &size);
	info.image_width = img->width;
	info.image_height = img->height;
	info.input_components = 3;
	info.in_color_space = JCS_RGB;
	jpeg_set_defaults(&info);
	jpeg_set_quality(&info, 80, TRUE);
	info.write_JFIF_header = TRUE; /* a plain JFIF: no EXIF, no comment */
	jpeg_start_compress(&info, TRUE);
	size_t stride = (size_t)img->width * 3;
	while (info.next_scanline < info.image_height) {
		JSAMPROW row = img->rgb + stride * info.next_scanline;
		jpeg_write_scanlines(&info, &row, 1);
	}
	jpeg_finish_compress(&info);
	jpeg_destroy_compress(&info);
	*out = buf;
	*len = size;
	return 0;
}

int xf_thumb_make(const char *path, const char *mime, unsigned char **out, size_t *len)
{
	image img = {0};
	int rc;
	if (strcmp(mime, "image/jpeg") == 0)
		rc = decode_jpeg(path, &img);
	else if (strcmp(mime, "image/png") == 0)
		rc = decode_png(path, &img);
	else
		return -1;
	if (rc != 0)
		return -1;
	image small = scale(&img);
	free(img.rgb);
	if (!small.rgb)
		return -1;
	rc = encode_jpeg(&small, out, len);
	free(small.rgb);
	return rc;
}
