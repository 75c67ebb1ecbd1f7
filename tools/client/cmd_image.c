/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The image group commands except upload: state read and write (list, test, confirm), erase and
 * slot info. Nested answers are read with the pull reader and printed as tables.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <smpdfu/crypto.h>
#include <smpdfu/grp/img_mgmt.h>

#include "cbor_walk.h"
#include "cli.h"
#include "safe_text.h"

/* Two slots for each of up to eight images; more entries are counted but not shown. */
#define STATE_MAX_SLOTS 16

struct slot_state {
	int64_t image;
	int64_t slot;
	char version[32];
	struct cbor_view hash;
	bool bootable;
	bool pending;
	bool confirmed;
	bool active;
	bool permanent;
};

struct state_list {
	struct slot_state slots[STATE_MAX_SLOTS];
	size_t count;  /* entries kept */
	size_t total;  /* entries in the answer */
	int64_t split_status;
	bool has_split_status;
};

static int visit_slot_state(struct cbor_reader *r, struct cbor_view key, void *arg)
{
	struct slot_state *s = arg;

	if (smpdfu_cbor_view_eq(key, "image")) {
		return walk_read_int(r, &s->image, NULL);
	}
	if (smpdfu_cbor_view_eq(key, "slot")) {
		return walk_read_int(r, &s->slot, NULL);
	}
	if (smpdfu_cbor_view_eq(key, "version")) {
		return walk_read_text(r, s->version, sizeof(s->version), NULL);
	}
	if (smpdfu_cbor_view_eq(key, "hash")) {
		return walk_read_bytes(r, &s->hash, NULL);
	}
	if (smpdfu_cbor_view_eq(key, "bootable")) {
		return walk_read_bool(r, &s->bootable, NULL);
	}
	if (smpdfu_cbor_view_eq(key, "pending")) {
		return walk_read_bool(r, &s->pending, NULL);
	}
	if (smpdfu_cbor_view_eq(key, "confirmed")) {
		return walk_read_bool(r, &s->confirmed, NULL);
	}
	if (smpdfu_cbor_view_eq(key, "active")) {
		return walk_read_bool(r, &s->active, NULL);
	}
	if (smpdfu_cbor_view_eq(key, "permanent")) {
		return walk_read_bool(r, &s->permanent, NULL);
	}
	return walk_skip_value(r);
}

static int visit_state_entry(struct cbor_reader *r, const struct cbor_item *item, void *arg)
{
	struct state_list *l = arg;
	/* Flags left out (the frugal list form) are false; a missing image number means image 0. */
	struct slot_state scratch = { .slot = -1 };
	struct slot_state *s = l->count < STATE_MAX_SLOTS ? &l->slots[l->count] : &scratch;
	int rc;

	if (item->type != CBOR_TYPE_MAP) {
		return smpdfu_cbor_skip_rest(r, item) < 0 ? -EINVAL : 0;
	}
	memset(s, 0, sizeof(*s));
	s->slot = -1;
	rc = walk_map(r, item, visit_slot_state, s);
	if (rc < 0) {
		return rc;
	}
	l->total++;
	if (s != &scratch) {
		l->count++;
	}
	return 0;
}

static int visit_state_top(struct cbor_reader *r, struct cbor_view key, void *arg)
{
	struct state_list *l = arg;
	struct cbor_item it;
	int rc;

	if (smpdfu_cbor_view_eq(key, "splitStatus")) {
		return walk_read_int(r, &l->split_status, &l->has_split_status);
	}
	if (!smpdfu_cbor_view_eq(key, "images")) {
		return walk_skip_value(r);
	}
	rc = walk_read_head(r, &it);
	if (rc < 0) {
		return rc;
	}
	if (it.type != CBOR_TYPE_ARRAY) {
		return smpdfu_cbor_skip_rest(r, &it) < 0 ? -EINVAL : 0;
	}
	return walk_array(r, &it, visit_state_entry, l);
}

static void print_flags(const struct slot_state *s)
{
	char flags[64] = "";

	if (s->active) {
		strcat(flags, "active ");
	}
	if (s->confirmed) {
		strcat(flags, "confirmed ");
	}
	if (s->pending) {
		strcat(flags, "pending ");
	}
	if (s->permanent) {
		strcat(flags, "permanent ");
	}
	if (!s->bootable) {
		strcat(flags, "non-bootable ");
	}
	if (flags[0] != '\0') {
		flags[strlen(flags) - 1] = '\0';
	} else {
		strcpy(flags, "-");
	}
	printf("%-36s ", flags);
}

/* The device's version text in a column of 24 characters (escaped, should it need it). */
static void print_version(const char *version)
{
	size_t shown = safe_text_print(stdout, version, strlen(version));

	printf("%*s", shown < 24 ? (int)(25 - shown) : 1, "");
}

/* Prints a state answer (state read, and state write which answers with the new state). */
static int print_state(struct cli *cli, const struct smp_rsp *rsp)
{
	struct state_list l = { 0 };

	if (cli->json) {
		return cli_print_body_json(rsp);
	}
	if (walk_body(rsp->body, rsp->body_len, visit_state_top, &l) < 0) {
		return cli_bad_response("image state is not well-formed");
	}
	if (l.total == 0) {
		printf("no images\n");
		return 0;
	}
	printf("%-5s %-4s %-24s %-36s %s\n", "image", "slot", "version", "flags", "hash");
	for (size_t i = 0; i < l.count; i++) {
		const struct slot_state *s = &l.slots[i];

		printf("%-5" PRId64 " %-4" PRId64 " ", s->image, s->slot);
		print_version(s->version[0] != '\0' ? s->version : "?");
		print_flags(s);
		for (size_t j = 0; j < s->hash.len; j++) {
			printf("%02x", s->hash.ptr[j]);
		}
		printf("%s\n", s->hash.len == 0 ? "-" : "");
	}
	if (l.total > l.count) {
		printf("(%zu more entries not shown; --json shows all)\n", l.total - l.count);
	}
	if (l.has_split_status) {
		printf("split status: %" PRId64 "\n", l.split_status);
	}
	return 0;
}

static int no_arguments(int argc, char **argv)
{
	if (argc > 1) {
		return cli_usage_error("%s: unexpected argument %s", argv[0], argv[1]);
	}
	return 0;
}

int cmd_image_list(struct cli *cli, int argc, char **argv)
{
	struct cbor_writer w;
	struct smp_rsp rsp;
	int rc = no_arguments(argc, argv);

	if (rc < 0) {
		return rc;
	}
	cli_payload_begin(cli, &w);
	smpdfu_cbor_put_map(&w, 0);
	rc = cli_request(cli, SMP_OP_READ, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_STATE, &w,
			 cli->timeout_ms, &rsp);
	if (rc < 0) {
		return rc;
	}
	return print_state(cli, &rsp);
}

int image_active_slot(struct cli *cli, unsigned int *slot)
{
	struct state_list l = { 0 };
	struct cbor_writer w;
	struct smp_rsp rsp;
	int rc;

	cli_payload_begin(cli, &w);
	smpdfu_cbor_put_map(&w, 0);
	rc = cli_request(cli, SMP_OP_READ, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_STATE, &w,
			 cli->timeout_ms, &rsp);
	if (rc < 0) {
		return rc;
	}
	if (walk_body(rsp.body, rsp.body_len, visit_state_top, &l) < 0) {
		return cli_bad_response("image state is not well-formed");
	}
	for (size_t i = 0; i < l.count; i++) {
		if (l.slots[i].active && l.slots[i].image <= 0 &&
		    (l.slots[i].slot == 0 || l.slots[i].slot == 1)) {
			*slot = (unsigned int)l.slots[i].slot;
			return 0;
		}
	}
	return -ENOENT;
}

/* State write: hash may be NULL (confirm the running image). */
static int state_write(struct cli *cli, const uint8_t *hash, bool confirm)
{
	struct cbor_writer w;
	struct smp_rsp rsp;
	int rc;

	cli_payload_begin(cli, &w);
	smpdfu_cbor_put_map(&w, hash != NULL ? 2 : 1);
	if (hash != NULL) {
		smpdfu_cbor_put_cstr(&w, "hash");
		smpdfu_cbor_put_bstr(&w, hash, SMPDFU_SHA256_DIGEST_SIZE);
	}
	smpdfu_cbor_put_cstr(&w, "confirm");
	smpdfu_cbor_put_bool(&w, confirm);
	rc = cli_request(cli, SMP_OP_WRITE, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_STATE, &w,
			 CLI_FLASH_TIMEOUT_MS, &rsp);
	if (rc < 0) {
		return rc;
	}
	return print_state(cli, &rsp);
}

static int parse_hash_arg(const char *cmd, const char *arg, uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE])
{
	if (!cli_parse_hex(arg, hash, SMPDFU_SHA256_DIGEST_SIZE)) {
		return cli_usage_error("%s: HASH must be %d hex digits, as 'image list' shows",
				       cmd, 2 * SMPDFU_SHA256_DIGEST_SIZE);
	}
	return 0;
}

int cmd_image_test(struct cli *cli, int argc, char **argv)
{
	uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE];
	int rc;

	if (argc != 2) {
		return cli_usage_error("image test needs exactly one HASH");
	}
	rc = parse_hash_arg("image test", argv[1], hash);
	if (rc < 0) {
		return rc;
	}
	return state_write(cli, hash, false);
}

int cmd_image_confirm(struct cli *cli, int argc, char **argv)
{
	uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE];
	int rc;

	if (argc > 2) {
		return cli_usage_error("image confirm takes at most one HASH");
	}
	if (argc == 1) {
		return state_write(cli, NULL, true);
	}
	rc = parse_hash_arg("image confirm", argv[1], hash);
	if (rc < 0) {
		return rc;
	}
	return state_write(cli, hash, true);
}

int cmd_image_erase(struct cli *cli, int argc, char **argv)
{
	uint64_t slot = 0;
	struct cbor_writer w;
	struct smp_rsp rsp;
	int rc;

	if (argc > 2) {
		return cli_usage_error("image erase takes at most one SLOT");
	}
	if (argc == 2 && !cli_parse_uint(argv[1], UINT32_MAX, &slot)) {
		return cli_usage_error("image erase: SLOT must be a number, not '%s'", argv[1]);
	}
	cli_payload_begin(cli, &w);
	/* Without a slot the device picks the one not running, which is what users mean. */
	smpdfu_cbor_put_map(&w, argc == 2 ? 1 : 0);
	if (argc == 2) {
		smpdfu_cbor_put_cstr(&w, "slot");
		smpdfu_cbor_put_uint(&w, slot);
	}
	rc = cli_request(cli, SMP_OP_WRITE, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_ERASE, &w,
			 CLI_FLASH_TIMEOUT_MS, &rsp);
	if (rc < 0) {
		return rc;
	}
	if (cli->json) {
		return cli_print_body_json(&rsp);
	}
	if (argc == 2) {
		printf("slot %" PRIu64 " erased\n", slot);
	} else {
		printf("the device's spare slot is erased\n");
	}
	return 0;
}

/* ---- slot info ---------------------------------------------------------------------------- */

struct slot_info_slot {
	int64_t slot;
	int64_t size;
	int64_t upload_image_id;
	int64_t rc;
	bool has_size;
	bool has_upload_id;
	bool has_rc;
};

static int visit_slot_info_slot_keys(struct cbor_reader *r, struct cbor_view key, void *arg)
{
	struct slot_info_slot *s = arg;

	if (smpdfu_cbor_view_eq(key, "slot")) {
		return walk_read_int(r, &s->slot, NULL);
	}
	if (smpdfu_cbor_view_eq(key, "size")) {
		return walk_read_int(r, &s->size, &s->has_size);
	}
	if (smpdfu_cbor_view_eq(key, "upload_image_id")) {
		return walk_read_int(r, &s->upload_image_id, &s->has_upload_id);
	}
	if (smpdfu_cbor_view_eq(key, "rc")) {
		return walk_read_int(r, &s->rc, &s->has_rc);
	}
	return walk_skip_value(r);
}

/* Two slots per image, and room for devices that list more; extra ones are counted. */
#define SLOT_INFO_MAX_SLOTS 8

struct slot_info_image {
	int64_t image;
	int64_t max_image_size;
	bool has_max;
	struct slot_info_slot slots[SLOT_INFO_MAX_SLOTS];
	size_t count;
	size_t total;
};

static int visit_slot_info_slot(struct cbor_reader *r, const struct cbor_item *item, void *arg)
{
	struct slot_info_image *img = arg;
	struct slot_info_slot scratch;
	struct slot_info_slot *s = img->count < SLOT_INFO_MAX_SLOTS ? &img->slots[img->count] :
								      &scratch;
	int rc;

	if (item->type != CBOR_TYPE_MAP) {
		return smpdfu_cbor_skip_rest(r, item) < 0 ? -EINVAL : 0;
	}
	memset(s, 0, sizeof(*s));
	s->slot = -1;
	rc = walk_map(r, item, visit_slot_info_slot_keys, s);
	if (rc < 0) {
		return rc;
	}
	img->total++;
	if (s != &scratch) {
		img->count++;
	}
	return 0;
}

static int visit_slot_info_image_keys(struct cbor_reader *r, struct cbor_view key, void *arg)
{
	struct slot_info_image *img = arg;
	struct cbor_item it;
	int rc;

	if (smpdfu_cbor_view_eq(key, "image")) {
		return walk_read_int(r, &img->image, NULL);
	}
	if (smpdfu_cbor_view_eq(key, "max_image_size")) {
		return walk_read_int(r, &img->max_image_size, &img->has_max);
	}
	if (!smpdfu_cbor_view_eq(key, "slots")) {
		return walk_skip_value(r);
	}
	rc = walk_read_head(r, &it);
	if (rc < 0) {
		return rc;
	}
	if (it.type != CBOR_TYPE_ARRAY) {
		return smpdfu_cbor_skip_rest(r, &it) < 0 ? -EINVAL : 0;
	}
	return walk_array(r, &it, visit_slot_info_slot, img);
}

static void print_slot_info_image(const struct slot_info_image *img)
{
	printf("image %" PRId64 ":\n", img->image);
	for (size_t i = 0; i < img->count; i++) {
		const struct slot_info_slot *s = &img->slots[i];

		printf("  slot %" PRId64 ":", s->slot);
		if (s->has_size) {
			printf(" size %" PRId64 " bytes", s->size);
		}
		if (s->has_upload_id) {
			printf(", upload_image_id %" PRId64, s->upload_image_id);
		}
		if (s->has_rc) {
			printf(", error rc %" PRId64, s->rc);
		}
		printf("\n");
	}
	if (img->total > img->count) {
		printf("  (%zu more slots not shown; --json shows all)\n", img->total - img->count);
	}
	if (img->has_max) {
		printf("  max_image_size: %" PRId64 " bytes\n", img->max_image_size);
	}
}

static int visit_slot_info_image(struct cbor_reader *r, const struct cbor_item *item, void *arg)
{
	struct slot_info_image img = { 0 };
	int rc;

	(void)arg;
	if (item->type != CBOR_TYPE_MAP) {
		return smpdfu_cbor_skip_rest(r, item) < 0 ? -EINVAL : 0;
	}
	rc = walk_map(r, item, visit_slot_info_image_keys, &img);
	if (rc == 0) {
		print_slot_info_image(&img);
	}
	return rc;
}

static int visit_slot_info_top(struct cbor_reader *r, struct cbor_view key, void *arg)
{
	struct cbor_item it;
	int rc;

	(void)arg;
	if (!smpdfu_cbor_view_eq(key, "images")) {
		return walk_skip_value(r);
	}
	rc = walk_read_head(r, &it);
	if (rc < 0) {
		return rc;
	}
	if (it.type != CBOR_TYPE_ARRAY) {
		return smpdfu_cbor_skip_rest(r, &it) < 0 ? -EINVAL : 0;
	}
	return walk_array(r, &it, visit_slot_info_image, NULL);
}

int cmd_image_slot_info(struct cli *cli, int argc, char **argv)
{
	struct cbor_writer w;
	struct smp_rsp rsp;
	int rc = no_arguments(argc, argv);

	if (rc < 0) {
		return rc;
	}
	cli_payload_begin(cli, &w);
	smpdfu_cbor_put_map(&w, 0);
	rc = cli_request(cli, SMP_OP_READ, MGMT_GROUP_ID_IMAGE, IMG_MGMT_ID_SLOT_INFO, &w,
			 cli->timeout_ms, &rsp);
	if (rc < 0) {
		return rc;
	}
	if (cli->json) {
		return cli_print_body_json(&rsp);
	}
	if (walk_body(rsp.body, rsp.body_len, visit_slot_info_top, NULL) < 0) {
		return cli_bad_response("slot info is not well-formed");
	}
	return 0;
}
