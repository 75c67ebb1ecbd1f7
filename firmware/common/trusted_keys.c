/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The keys a firmware image trusts: the one its build was signed with, built in (a firmware build
 * always requires signatures, so nothing but that key can ever count).
 */
#include <smpdfu/bootloader.h>
#include <smpdfu/config.h>

_Static_assert(CONFIG_SMPDFU_BOOT_SIGNATURE_REQUIRED,
	       "firmware images require signatures: choose CONFIG_BOOT_SIGNATURE_TYPE_ECDSA_P256 "
	       "or _ED25519 and name the key in CONFIG_BOOT_SIGNATURE_KEY_FILE");

size_t smpdfu_boot_trusted_keys(const struct smpdfu_image_key **keys)
{
	return smpdfu_boot_builtin_keys(keys);
}
