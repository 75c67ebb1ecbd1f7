/*
 * smpdfu-image: creates MCUboot images (header + SHA-256 TLV, as imgtool lays them out) and shows
 * what is inside one. Signing, trailers and dfu_application.zip come with the bootloader work.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image_build.h"
#include "image_inspect.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: smpdfu-image create --version V [--header-size N] [--pad-header]\n"
		"                           [--slot-size N] [--rom-fixed ADDR]\n"
		"                           [--security-counter N] INPUT OUTPUT\n"
		"       smpdfu-image dump IMAGE\n"
		"       smpdfu-image hash IMAGE    (the image hash that test/confirm use)\n"
		"V is maj[.min[.rev[+build]]]; numbers may be decimal or 0x-hex.\n");
}

static int parse_u32(const char *s, uint32_t *v)
{
	char *end;
	unsigned long long x = strtoull(s, &end, 0);

	if (*s == '\0' || *end != '\0' || x > UINT32_MAX) {
		return -EINVAL;
	}
	*v = (uint32_t)x;
	return 0;
}

static int read_file(const char *path, uint8_t **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	long size;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		if (f != NULL) {
			fclose(f);
		}
		return -errno;
	}
	*data = malloc(size ? (size_t)size : 1);
	if (*data == NULL || fread(*data, 1, (size_t)size, f) != (size_t)size) {
		free(*data);
		fclose(f);
		return -EIO;
	}
	*len = (size_t)size;
	fclose(f);
	return 0;
}

static int cmd_create(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "version", required_argument, NULL, 'v' },
		{ "header-size", required_argument, NULL, 'H' },
		{ "pad-header", no_argument, NULL, 'p' },
		{ "slot-size", required_argument, NULL, 'S' },
		{ "rom-fixed", required_argument, NULL, 'F' },
		{ "security-counter", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct image_build_opts o = { .header_size = 0x200 };
	bool have_version = false;
	uint32_t v;
	uint8_t *in = NULL;
	uint8_t *img = NULL;
	size_t in_len;
	size_t img_len;
	FILE *f;
	int c;
	int rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			if (image_parse_version(optarg, &o.version) < 0) {
				fprintf(stderr, "smpdfu-image: bad version '%s'\n", optarg);
				return 2;
			}
			have_version = true;
			break;
		case 'H':
			if (parse_u32(optarg, &v) < 0 || v < 32 || v > 0xffff) {
				fprintf(stderr, "smpdfu-image: bad header size '%s'\n", optarg);
				return 2;
			}
			o.header_size = (uint16_t)v;
			break;
		case 'p':
			o.pad_header = true;
			break;
		case 'S':
			if (parse_u32(optarg, &o.slot_size) < 0) {
				fprintf(stderr, "smpdfu-image: bad slot size '%s'\n", optarg);
				return 2;
			}
			break;
		case 'F':
			if (parse_u32(optarg, &o.load_addr) < 0) {
				fprintf(stderr, "smpdfu-image: bad address '%s'\n", optarg);
				return 2;
			}
			o.flags |= IMAGE_F_ROM_FIXED;
			break;
		case 's':
			if (parse_u32(optarg, &o.security_counter) < 0) {
				fprintf(stderr, "smpdfu-image: bad security counter '%s'\n", optarg);
				return 2;
			}
			o.has_security_counter = true;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!have_version || argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	rc = read_file(argv[optind], &in, &in_len);
	if (rc < 0) {
		fprintf(stderr, "smpdfu-image: %s: %s\n", argv[optind], strerror(-rc));
		return 1;
	}
	rc = image_build(&o, in, in_len, &img, &img_len);
	free(in);
	if (rc < 0) {
		fprintf(stderr, "smpdfu-image: cannot build the image: %s%s\n", strerror(-rc),
			o.pad_header ? "" : " (without --pad-header the first header-size bytes "
					    "of the input must be zero)");
		return 1;
	}
	f = fopen(argv[optind + 1], "wb");
	if (f == NULL || fwrite(img, 1, img_len, f) != img_len || fclose(f) != 0) {
		fprintf(stderr, "smpdfu-image: cannot write %s\n", argv[optind + 1]);
		free(img);
		return 1;
	}
	free(img);
	return 0;
}

static int cmd_inspect(int argc, char **argv, bool hash_only)
{
	uint8_t *img;
	size_t len;
	int rc;

	if (argc != 2) {
		usage(stderr);
		return 2;
	}
	rc = read_file(argv[1], &img, &len);
	if (rc < 0) {
		fprintf(stderr, "smpdfu-image: %s: %s\n", argv[1], strerror(-rc));
		return 1;
	}
	rc = hash_only ? image_print_hash(img, len, stdout) : image_dump(img, len, stdout);
	free(img);
	return rc < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "create") == 0) {
		return cmd_create(argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "dump") == 0) {
		return cmd_inspect(argc - 1, argv + 1, false);
	}
	if (strcmp(argv[1], "hash") == 0) {
		return cmd_inspect(argc - 1, argv + 1, true);
	}
	fprintf(stderr, "smpdfu-image: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
