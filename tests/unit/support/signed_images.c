/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test images signed like a product's, for builds that require signatures: the build's key
 * (CONFIG_BOOT_SIGNATURE_KEY_FILE, from the source tree) signs the image hash with the image
 * tool's own signer, and KEYHASH and signature TLVs follow the hash TLV, as imgtool lays them out.
 */
#include "test_device.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <smpdfu/config.h>
#include <smpdfu/prot/image.h>

#include "image_sign.h"
#include "key_pem.h"

#ifndef SMPDFU_SOURCE_DIR
#error "SMPDFU_SOURCE_DIR comes from the build (tests/CMakeLists.txt)"
#endif

static void put_tlv_header(uint8_t *p, uint16_t type, uint16_t len)
{
	p[0] = (uint8_t)type;
	p[1] = (uint8_t)(type >> 8);
	p[2] = (uint8_t)len;
	p[3] = (uint8_t)(len >> 8);
}

size_t test_sign_image(uint8_t *img, size_t len, size_t cap)
{
	static struct key_pem key;
	static bool loaded;
	uint8_t sig[IMAGE_SIG_MAX];
	size_t sig_len;
	size_t tlv_info = len - SMPDFU_IMAGE_TLV_INFO_SIZE - SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE - 32;
	const uint8_t *hash = img + len - 32;
	size_t total;

	if (!loaded) {
		const char *why = NULL;

		assert_int_equal(key_pem_load(SMPDFU_SOURCE_DIR "/" CONFIG_BOOT_SIGNATURE_KEY_FILE,
					      &key, &why),
				 0);
		loaded = true;
	}
	assert_int_equal(image_sign_hash(&key, hash, sig, &sig_len), 0);
	total = len + 2 * SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE + sizeof(key.keyhash) + sig_len;
	assert_true(total <= cap);
	put_tlv_header(img + len, SMPDFU_IMAGE_TLV_KEYHASH, (uint16_t)sizeof(key.keyhash));
	memcpy(img + len + SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE, key.keyhash, sizeof(key.keyhash));
	len += SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE + sizeof(key.keyhash);
	put_tlv_header(img + len, image_sign_tlv_type(&key), (uint16_t)sig_len);
	memcpy(img + len + SMPDFU_IMAGE_TLV_ENTRY_HDR_SIZE, sig, sig_len);
	/* The TLV info counts itself and every entry after it. */
	img[tlv_info + 2] = (uint8_t)(total - tlv_info);
	img[tlv_info + 3] = (uint8_t)((total - tlv_info) >> 8);
	return total;
}
