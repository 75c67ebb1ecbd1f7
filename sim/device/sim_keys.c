/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The keys the simulated device's bootloader trusts: the public halves of the PEM files named by
 * --key (a private key file is accepted, its public half is used, as a build would embed it) in
 * builds with CONFIG_BOOT_SIGNATURE_TYPE_BOARD_KEYS, the built-in key in builds that require a
 * signature, none for CONFIG_BOOT_SIGNATURE_TYPE_NONE. smpdfu_boot_trusted_keys() is the board hook
 * the bootloader calls.
 */
#include "sim_keys.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <smpdfu/bootloader.h>
#include <smpdfu/config.h>
#include <smpdfu/port.h>

#include "key_pem.h"
#include "log.h"
#include "util.h"

#define LOG_MODULE "keys"
#define LOG_LEVEL CONFIG_LOG_DEFAULT_LEVEL

/*
 * KEYHASHes of MCUboot's published sample keys (root-ec-p256.pem, root-ed25519.pem): everybody
 * has their private halves, so trusting them is for tests only and says so in the log.
 */
static const uint8_t sample_keyhashes[][SMPDFU_SHA256_DIGEST_SIZE] = {
	{ 0xe3, 0x04, 0x66, 0xf6, 0xb8, 0x47, 0x0c, 0x1f, 0x29, 0x07, 0x0b, 0x17, 0xf1, 0xe2, 0xd3,
	  0xe9, 0x4d, 0x44, 0x5e, 0x3f, 0x60, 0x80, 0x87, 0xfd, 0xc7, 0x11, 0xe4, 0x38, 0x2b, 0xb5,
	  0x38, 0xb6 },
	{ 0xc1, 0x90, 0x7f, 0xa4, 0xea, 0xc7, 0xfa, 0xe3, 0x84, 0x0a, 0x78, 0x90, 0x2b, 0x6f, 0x07,
	  0x10, 0xb0, 0x37, 0xe9, 0x96, 0x8e, 0x5c, 0x62, 0x74, 0xa1, 0x2a, 0x28, 0x79, 0x0c, 0x7d,
	  0x4e, 0x3c },
};

static struct key_pem loaded[SIM_KEYS_MAX];
static struct smpdfu_image_key trusted[SIM_KEYS_MAX];
static size_t trusted_count;
static bool announced;

static bool is_sample_key(const uint8_t keyhash[SMPDFU_SHA256_DIGEST_SIZE])
{
	for (size_t i = 0; i < ARRAY_SIZE(sample_keyhashes); i++) {
		if (memcmp(keyhash, sample_keyhashes[i], SMPDFU_SHA256_DIGEST_SIZE) == 0) {
			return true;
		}
	}
	return false;
}

int sim_keys_load(const char *const *paths, size_t count)
{
	trusted_count = 0;
	announced = false;
	if (count > 0 && !CONFIG_BOOT_SIGNATURE_TYPE_BOARD_KEYS) {
		fprintf(stderr, "--key: this build %s; only a build with "
				"CONFIG_BOOT_SIGNATURE_TYPE_BOARD_KEYS takes keys at run time\n",
			CONFIG_BOOT_SIGNATURE_TYPE_NONE ?
				"checks images by hash only (CONFIG_BOOT_SIGNATURE_TYPE_NONE)" :
				"trusts only the key it was built with "
				"(CONFIG_BOOT_SIGNATURE_KEY_FILE)");
		return -EINVAL;
	}
	if (count > SIM_KEYS_MAX) {
		fprintf(stderr, "at most %d keys\n", SIM_KEYS_MAX);
		return -E2BIG;
	}
	for (size_t i = 0; i < count; i++) {
		const char *why = NULL;
		int rc = key_pem_load(paths[i], &loaded[i], &why);

		if (rc < 0) {
			fprintf(stderr, "--key %s: %s\n", paths[i],
				why != NULL ? why : "unreadable");
			trusted_count = 0;
			return rc;
		}
		/* The bootloader only needs the public half; do not keep the private one around. */
		memset(loaded[i].priv, 0, sizeof(loaded[i].priv));
		loaded[i].has_priv = false;
		key_pem_to_image_key(&loaded[i], &trusted[i]);
	}
	trusted_count = count;
	return 0;
}

/* Says once per start what the bootloader trusts: the log is where a developer looks. */
static void announce(void)
{
	if (announced) {
		return;
	}
	announced = true;
	if (trusted_count == 0) {
		LOG_WRN("no signing key: images are checked by hash only");
		return;
	}
	for (size_t i = 0; i < trusted_count; i++) {
		const uint8_t *h = trusted[i].keyhash;

		LOG_INF("trusted key %zu: %s, keyhash %02x%02x%02x%02x%02x%02x%02x%02x...", i,
			key_pem_type_name(trusted[i].type), h[0], h[1], h[2], h[3], h[4], h[5],
			h[6], h[7]);
		if (is_sample_key(h)) {
			LOG_WRN("trusted key %zu is MCUboot's published sample key: "
				"test use only", i);
		}
	}
}

size_t smpdfu_boot_trusted_keys(const struct smpdfu_image_key **keys)
{
	if (CONFIG_SMPDFU_BOOT_SIGNATURE_REQUIRED) {
		return smpdfu_boot_builtin_keys(keys); /* as a board that requires signatures */
	}
	announce();
	*keys = trusted_count > 0 ? trusted : NULL;
	return trusted_count;
}
