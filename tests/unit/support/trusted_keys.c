/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The keys a unit test's bootloader and image group trust unless the test says otherwise (the
 * bootloader's tests define smpdfu_boot_trusted_keys() themselves; as an archive member of its own,
 * this one then stays out of the link): the build's key where signatures are required, else none.
 */
#include <stddef.h>

#include <smpdfu/bootloader.h>
#include <smpdfu/config.h>

size_t smpdfu_boot_trusted_keys(const struct smpdfu_image_key **keys)
{
	if (CONFIG_SMPDFU_BOOT_SIGNATURE_REQUIRED) {
		return smpdfu_boot_builtin_keys(keys);
	}
	*keys = NULL;
	return 0;
}
