/* SPDX-License-Identifier: Apache-2.0 */
/*
 * smpdfu-image: creates and signs MCUboot images as imgtool lays them out (optionally padded to the
 * slot with a trailer), verifies and shows them with the device's own code, makes signing keys,
 * and packs dfu_application.zip. This file is the command line; each job has its own file.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "dfu_zip.h"
#include "image_build.h"
#include "image_getpub.h"
#include "image_inspect.h"
#include "image_keygen.h"
#include "key_pem.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: smpdfu-image create|sign --version V [--header-size N] [--pad-header]\n"
		"                [--slot-size N] [--pad | --confirm] [--overwrite-only]\n"
		"                [--align W] [--max-align A] [--max-sectors S] [--key KEY.pem]\n"
		"                [--rom-fixed ADDR] [--security-counter N|auto]\n"
		"                [--dependencies \"(ID,V)...\"] INPUT OUTPUT\n"
		"       smpdfu-image verify [--key KEY.pem]... IMAGE\n"
		"       smpdfu-image dump IMAGE\n"
		"       smpdfu-image hash IMAGE    (the image hash that test/confirm use)\n"
		"       smpdfu-image keygen --type ecdsa-p256|ed25519 OUT.pem\n"
		"       smpdfu-image keyhash KEY.pem    (key type and the KEYHASH TLV it gives)\n"
		"       smpdfu-image getpub [--type ecdsa-p256|ed25519] [--production]\n"
		"                --output OUT.c KEY.pem\n"
		"                (the public key as C: smpdfu_boot_builtin_keys() for a build;\n"
		"                --production refuses MCUboot's published sample keys)\n"
		"       smpdfu-image zip [--name N] [--board B] [--soc S] [--time T]\n"
		"                [--load-address ADDR] OUT.zip IMAGE\n"
		"       smpdfu-image zip --direct-xip [...] [--load-address ADDR0]\n"
		"                [--secondary-load-address ADDR1] OUT.zip SLOT0-IMAGE SLOT1-IMAGE\n"
		"V is maj[.min[.rev[+build]]]; numbers may be decimal or 0x-hex. --pad fills the\n"
		"image to --slot-size and writes the trailer magic (a pending test upgrade);\n"
		"--confirm also sets image_ok. --overwrite-only: the trailer of an\n"
		"overwrite-only bootloader, as imgtool makes it (smaller; --confirm writes no\n"
		"image_ok, which that bootloader never reads). W is 1, 2, 4, 8, 16 or 32, A 8,\n"
		"16 or 32.\n"
		"zip: T is the manifest's Unix time (default $SOURCE_DATE_EPOCH, else now); the\n"
		"load address defaults to the image's --rom-fixed address, else 0.\n");
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

static int write_file(const char *path, const uint8_t *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL) {
		return -errno;
	}
	if (fwrite(data, 1, len, f) != len) {
		fclose(f);
		return -EIO;
	}
	return fclose(f) == 0 ? 0 : -EIO;
}

static bool is_power_of_two_in(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v >= lo && v <= hi && (v & (v - 1)) == 0;
}

/* Loads a signing key (the private half is required). Prints the problem; 0 or -errno. */
static int load_signing_key(const char *path, struct key_pem *key)
{
	const char *why = NULL;
	int rc = key_pem_load(path, key, &why);

	if (rc < 0) {
		fprintf(stderr, "smpdfu-image: %s: %s\n", path, why != NULL ? why : strerror(-rc));
		return rc;
	}
	if (!key->has_priv) {
		fprintf(stderr, "smpdfu-image: %s: a public key cannot sign\n", path);
		return -EINVAL;
	}
	return 0;
}

enum {
	OPT_PAD_HEADER = 0x100,
	OPT_PAD,
	OPT_CONFIRM,
	OPT_OVERWRITE_ONLY,
	OPT_ALIGN,
	OPT_MAX_ALIGN,
};

/* The create/sign options imgtool has, with its short names. */
static const struct option create_options[] = {
	{ "version", required_argument, NULL, 'v' },
	{ "header-size", required_argument, NULL, 'H' },
	{ "pad-header", no_argument, NULL, OPT_PAD_HEADER },
	{ "slot-size", required_argument, NULL, 'S' },
	{ "rom-fixed", required_argument, NULL, 'F' },
	{ "security-counter", required_argument, NULL, 's' },
	{ "dependencies", required_argument, NULL, 'd' },
	{ "key", required_argument, NULL, 'k' },
	{ "pad", no_argument, NULL, OPT_PAD },
	{ "confirm", no_argument, NULL, OPT_CONFIRM },
	{ "overwrite-only", no_argument, NULL, OPT_OVERWRITE_ONLY },
	{ "align", required_argument, NULL, OPT_ALIGN },
	{ "max-align", required_argument, NULL, OPT_MAX_ALIGN },
	{ "max-sectors", required_argument, NULL, 'M' },
	{ NULL, 0, NULL, 0 },
};

struct create_args {
	struct image_build_opts o;
	bool have_version;
	const char *key_path;
	const char *security_counter; /* "auto" needs the version, so it is resolved last */
	bool pad;
	bool confirm;
};

static int bad(const char *what, const char *value)
{
	fprintf(stderr, "smpdfu-image: bad %s '%s'\n", what, value);
	return 2;
}

/* One create option into a; 0, or the exit code for a bad value. */
static int create_option(int c, const char *arg, struct create_args *a)
{
	uint32_t v;

	switch (c) {
	case 'v':
		if (image_parse_version(arg, &a->o.version) < 0) {
			return bad("version", arg);
		}
		a->have_version = true;
		return 0;
	case 'H':
		if (parse_u32(arg, &v) < 0 || v < 32 || v > 0xffff) {
			return bad("header size", arg);
		}
		a->o.header_size = (uint16_t)v;
		return 0;
	case OPT_PAD_HEADER:
		a->o.pad_header = true;
		return 0;
	case 'S':
		if (parse_u32(arg, &a->o.slot_size) < 0) {
			return bad("slot size", arg);
		}
		return 0;
	case 'F':
		if (parse_u32(arg, &a->o.load_addr) < 0) {
			return bad("address", arg);
		}
		a->o.flags |= SMPDFU_IMAGE_F_ROM_FIXED;
		return 0;
	case 's':
		a->security_counter = arg;
		return 0;
	case 'd':
		if (image_parse_dependencies(arg, &a->o) < 0) {
			return bad("dependency list (want \"(ID,maj.min.rev+build)\")", arg);
		}
		return 0;
	case 'k':
		a->key_path = arg;
		return 0;
	case OPT_PAD:
		a->pad = true;
		return 0;
	case OPT_CONFIRM:
		a->pad = true;
		a->confirm = true;
		return 0;
	case OPT_OVERWRITE_ONLY:
		a->o.trailer.overwrite_only = true;
		return 0;
	case OPT_ALIGN:
		if (parse_u32(arg, &v) < 0 || !is_power_of_two_in(v, 1, 32)) {
			return bad("alignment", arg);
		}
		a->o.trailer.align = v;
		return 0;
	case OPT_MAX_ALIGN:
		if (parse_u32(arg, &v) < 0 || !is_power_of_two_in(v, 8, 32)) {
			return bad("max alignment", arg);
		}
		a->o.trailer.max_align = v;
		return 0;
	case 'M':
		if (parse_u32(arg, &v) < 0 || v == 0 || v > 0x10000) {
			return bad("max sectors", arg);
		}
		a->o.trailer.max_sectors = v;
		return 0;
	default:
		usage(stderr);
		return 2;
	}
}

/* Checks that need every option: 0, or the exit code. */
static int create_finish_options(struct create_args *a)
{
	struct smpdfu_image_version *ver = &a->o.version;

	if (a->security_counter != NULL) {
		if (strcasecmp(a->security_counter, "auto") == 0) {
			/* imgtool's "auto" (any case): the version as major.minor.revision. */
			a->o.security_counter = ((uint32_t)ver->major << 24) |
						((uint32_t)ver->minor << 16) | ver->revision;
		} else if (parse_u32(a->security_counter, &a->o.security_counter) < 0) {
			return bad("security counter", a->security_counter);
		}
		a->o.has_security_counter = true;
	}
	if (a->pad && a->o.slot_size == 0) {
		fprintf(stderr, "smpdfu-image: --pad and --confirm need --slot-size\n");
		return 2;
	}
	if (a->o.trailer.align > image_trailer_max_align(&a->o.trailer)) {
		fprintf(stderr, "smpdfu-image: --align cannot exceed --max-align\n");
		return 2;
	}
	return 0;
}

static int cmd_create(int argc, char **argv)
{
	struct create_args a = { .o = { .header_size = 0x200 } };
	struct key_pem key;
	uint8_t *in = NULL;
	uint8_t *img = NULL;
	size_t in_len;
	size_t img_len;
	int c;
	int rc;

	while ((c = getopt_long(argc, argv, "v:H:S:F:s:d:k:M:", create_options, NULL)) != -1) {
		rc = create_option(c, optarg, &a);
		if (rc != 0) {
			return rc;
		}
	}
	if (!a.have_version || argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	rc = create_finish_options(&a);
	if (rc != 0) {
		return rc;
	}
	if (a.key_path != NULL) {
		if (load_signing_key(a.key_path, &key) < 0) {
			return 1;
		}
		a.o.key = &key;
	}
	rc = read_file(argv[optind], &in, &in_len);
	if (rc < 0) {
		fprintf(stderr, "smpdfu-image: %s: %s\n", argv[optind], strerror(-rc));
		rc = 1;
		goto out;
	}
	rc = image_build(&a.o, in, in_len, &img, &img_len);
	if (rc < 0) {
		fprintf(stderr, "smpdfu-image: cannot build the image: %s%s\n", strerror(-rc),
			a.o.pad_header ? "" : " (without --pad-header the first header-size bytes "
					      "of the input must be zero)");
		rc = 1;
		goto out;
	}
	if (a.pad) {
		rc = image_trailer_pad(&img, &img_len, a.o.slot_size, &a.o.trailer, a.confirm);
		if (rc < 0) {
			fprintf(stderr, "smpdfu-image: cannot pad to the slot: %s\n",
				strerror(-rc));
			rc = 1;
			goto out;
		}
	}
	rc = write_file(argv[optind + 1], img, img_len);
	if (rc < 0) {
		fprintf(stderr, "smpdfu-image: cannot write %s: %s\n", argv[optind + 1],
			strerror(-rc));
	}
	rc = rc < 0 ? 1 : 0;
out:
	memset(&key, 0, sizeof(key));
	free(img);
	free(in);
	return rc;
}

static int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	struct key_pem pems[4];
	struct smpdfu_image_key keys[4];
	size_t key_count = 0;
	uint8_t *img;
	size_t len;
	int c;
	int rc;

	while ((c = getopt_long(argc, argv, "k:", opts, NULL)) != -1) {
		const char *why = NULL;

		if (c != 'k') {
			usage(stderr);
			return 2;
		}
		if (key_count == ARRAY_SIZE(keys)) {
			fprintf(stderr, "smpdfu-image: at most %zu keys\n", key_count);
			return 2;
		}
		rc = key_pem_load(optarg, &pems[key_count], &why);
		if (rc < 0) {
			fprintf(stderr, "smpdfu-image: %s: %s\n", optarg,
				why != NULL ? why : strerror(-rc));
			return 1;
		}
		key_pem_to_image_key(&pems[key_count], &keys[key_count]);
		key_count++;
	}
	if (argc - optind != 1) {
		usage(stderr);
		return 2;
	}
	rc = read_file(argv[optind], &img, &len);
	if (rc < 0) {
		fprintf(stderr, "smpdfu-image: %s: %s\n", argv[optind], strerror(-rc));
		return 1;
	}
	rc = image_verify(img, len, keys, key_count, stdout);
	free(img);
	memset(pems, 0, sizeof(pems));
	return rc < 0 ? 1 : 0;
}

static int parse_key_type(const char *s, enum smpdfu_image_key_type *type)
{
	if (strcmp(s, "ecdsa-p256") == 0) {
		*type = IMAGE_KEY_ECDSA_P256;
	} else if (strcmp(s, "ed25519") == 0) {
		*type = IMAGE_KEY_ED25519;
	} else {
		return -EINVAL;
	}
	return 0;
}

static int cmd_keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	enum smpdfu_image_key_type type;
	bool have_type = false;
	int c;
	int rc;

	while ((c = getopt_long(argc, argv, "t:", opts, NULL)) != -1) {
		if (c != 't' || parse_key_type(optarg, &type) < 0) {
			fprintf(stderr, "smpdfu-image: keygen --type is ecdsa-p256 or ed25519\n");
			return 2;
		}
		have_type = true;
	}
	if (!have_type || argc - optind != 1) {
		usage(stderr);
		return 2;
	}
	rc = image_keygen(type, argv[optind]);
	if (rc < 0) {
		fprintf(stderr, "smpdfu-image: %s: %s\n", argv[optind],
			rc == -EEXIST ? "exists already, not overwritten" : strerror(-rc));
		return 1;
	}
	return 0;
}

static int cmd_keyhash(int argc, char **argv)
{
	struct key_pem key;
	const char *why = NULL;
	int rc;

	if (argc != 2) {
		usage(stderr);
		return 2;
	}
	rc = key_pem_load(argv[1], &key, &why);
	if (rc < 0) {
		fprintf(stderr, "smpdfu-image: %s: %s\n", argv[1],
			why != NULL ? why : strerror(-rc));
		return 1;
	}
	printf("%s ", key_pem_type_name(key.type));
	for (size_t i = 0; i < sizeof(key.keyhash); i++) {
		printf("%02x", key.keyhash[i]);
	}
	printf("\n");
	memset(&key, 0, sizeof(key));
	return 0;
}

static int cmd_getpub(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "type", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "production", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *type = NULL;
	const char *output = NULL;
	const char *why = NULL;
	const char *sample;
	bool production = false;
	struct key_pem key;
	FILE *out;
	int opt;
	int rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 't') {
			type = optarg;
		} else if (opt == 'o') {
			output = optarg;
		} else if (opt == 'p') {
			production = true;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (output == NULL || optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	rc = key_pem_load(argv[optind], &key, &why);
	if (rc < 0) {
		fprintf(stderr, "smpdfu-image: %s: %s\n", argv[optind],
			why != NULL ? why : strerror(-rc));
		return 1;
	}
	if (type != NULL && strcmp(type, key_pem_type_name(key.type)) != 0) {
		fprintf(stderr, "smpdfu-image: %s is an %s key, but the build requires %s\n",
			argv[optind], key_pem_type_name(key.type), type);
		return 1;
	}
	sample = image_getpub_sample_key(&key);
	if (production && sample != NULL) {
		fprintf(stderr,
			"smpdfu-image: %s is MCUboot's published sample key %s, whose private half "
			"everybody has: a production build must not trust it (make one with "
			"smpdfu-image keygen)\n",
			argv[optind], sample);
		memset(&key, 0, sizeof(key));
		return 1;
	}
	out = fopen(output, "w");
	if (out == NULL) {
		fprintf(stderr, "smpdfu-image: %s: %s\n", output, strerror(errno));
		return 1;
	}
	rc = image_getpub_write_c(&key, argv[optind], out);
	if (fclose(out) != 0 || rc < 0) {
		fprintf(stderr, "smpdfu-image: cannot write %s\n", output);
		remove(output);
		return 1;
	}
	memset(&key, 0, sizeof(key));
	return 0;
}

/* An image for the package: its bytes, modification time and default load address. */
static int load_zip_image(const char *path, const char *zip_name, struct dfu_zip_image *img)
{
	struct smpdfu_image_header hdr;
	struct stat st;
	uint8_t *data;
	size_t len;
	int rc = read_file(path, &data, &len);

	if (rc == 0 && stat(path, &st) != 0) {
		rc = -errno;
		free(data);
	}
	if (rc < 0) {
		fprintf(stderr, "smpdfu-image: %s: %s\n", path, strerror(-rc));
		return rc;
	}
	if (len < SMPDFU_IMAGE_HEADER_SIZE ||
	    (smpdfu_image_header_decode(data, &hdr), hdr.magic != SMPDFU_IMAGE_MAGIC)) {
		fprintf(stderr, "smpdfu-image: %s: not an MCUboot image\n", path);
		free(data);
		return -EINVAL;
	}
	*img = (struct dfu_zip_image){
		.zip_name = zip_name, .data = data, .len = len, .mtime = st.st_mtime,
		/* A ROM_FIXED image says where it runs; otherwise there is nothing to go by. */
		.load_address = (hdr.flags & SMPDFU_IMAGE_F_ROM_FIXED) ? hdr.load_addr : 0,
	};
	return 0;
}

/* The package's "time": --time, else SOURCE_DATE_EPOCH (reproducible builds), else now. */
static int package_time(const char *arg, time_t *t)
{
	const char *env = getenv("SOURCE_DATE_EPOCH");
	uint32_t v;

	if (arg == NULL && env == NULL) {
		*t = time(NULL);
		return 0;
	}
	if (parse_u32(arg != NULL ? arg : env, &v) < 0) {
		return -EINVAL;
	}
	*t = (time_t)v;
	return 0;
}

static int cmd_zip(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "board", required_argument, NULL, 'b' },
		{ "soc", required_argument, NULL, 'c' },
		{ "time", required_argument, NULL, 't' },
		{ "load-address", required_argument, NULL, 'l' },
		{ "secondary-load-address", required_argument, NULL, 'L' },
		{ "direct-xip", no_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	struct dfu_zip_opts o = { .name = "app", .board = "smpdfu_sim", .soc = "posix" };
	struct dfu_zip_image images[2] = { 0 };
	const char *time_arg = NULL;
	char app_name[256];
	uint32_t load[2];
	bool have_load[2] = { false, false };
	size_t count;
	int c;
	int rc;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': o.name = optarg; break;
		case 'b': o.board = optarg; break;
		case 'c': o.soc = optarg; break;
		case 't': time_arg = optarg; break;
		case 'x': o.direct_xip = true; break;
		case 'l':
		case 'L':
			if (parse_u32(optarg, &load[c == 'L']) < 0) {
				return bad("load address", optarg);
			}
			have_load[c == 'L'] = true;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	count = o.direct_xip ? 2 : 1;
	if ((size_t)(argc - optind) != 1 + count || (have_load[1] && !o.direct_xip)) {
		usage(stderr);
		return 2;
	}
	if (package_time(time_arg, &o.time) < 0) {
		return bad("time", time_arg != NULL ? time_arg : getenv("SOURCE_DATE_EPOCH"));
	}
	/* NCS names the application's file after the application, "<name>.bin". */
	if (snprintf(app_name, sizeof(app_name), "%s.bin", o.name) >= (int)sizeof(app_name) ||
	    strchr(o.name, '/') != NULL) {
		return bad("name", o.name);
	}
	for (size_t i = 0; i < count; i++) {
		rc = load_zip_image(argv[optind + 1 + i],
				    i == 0 ? app_name : DFU_ZIP_SECONDARY_NAME, &images[i]);
		if (rc < 0) {
			goto out;
		}
		if (have_load[i]) {
			images[i].load_address = load[i];
		}
	}
	if (o.direct_xip && images[0].load_address == images[1].load_address) {
		/* The two builds exist because each runs from its own slot's address. */
		fprintf(stderr, "smpdfu-image: both images say load address 0x%x: build one for "
				"each slot (--rom-fixed) or give --load-address and "
				"--secondary-load-address\n",
			(unsigned int)images[0].load_address);
		rc = -EINVAL;
		goto out;
	}
	rc = dfu_zip_write(argv[optind], &o, images, count);
	if (rc < 0) {
		fprintf(stderr, "smpdfu-image: cannot write %s: %s\n", argv[optind], strerror(-rc));
	}
out:
	for (size_t i = 0; i < count; i++) {
		free((void *)images[i].data);
	}
	return rc < 0 ? 1 : 0;
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

static int cmd_dump(int argc, char **argv)
{
	return cmd_inspect(argc, argv, false);
}

static int cmd_hash(int argc, char **argv)
{
	return cmd_inspect(argc, argv, true);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} commands[] = {
		{ "create", cmd_create }, { "sign", cmd_create },     { "verify", cmd_verify },
		{ "dump", cmd_dump },     { "hash", cmd_hash },       { "keygen", cmd_keygen },
		{ "keyhash", cmd_keyhash }, { "zip", cmd_zip },       { "getpub", cmd_getpub },
	};

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			return commands[i].run(argc - 1, argv + 1);
		}
	}
	fprintf(stderr, "smpdfu-image: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
