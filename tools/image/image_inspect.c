/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Image inspection: the file is presented to the device's image reader as a read-only flash area,
 * so the tool and the device can never disagree on how an image is parsed.
 */
#include "image_inspect.h"

#include <errno.h>
#include <string.h>

#include <smpdfu/image.h>

#include "image_trailer.h"

static int buf_read(const struct smpdfu_flash_device *dev, uint32_t off, void *dst, size_t len)
{
	memcpy(dst, (const uint8_t *)dev->ctx + off, len);
	return 0;
}

static int buf_refuse(const struct smpdfu_flash_device *dev, uint32_t off, const void *src,
		      size_t len)
{
	(void)dev;
	(void)off;
	(void)src;
	(void)len;
	return -EROFS;
}

static int buf_refuse_erase(const struct smpdfu_flash_device *dev, uint32_t off, size_t len)
{
	(void)dev;
	(void)off;
	(void)len;
	return -EROFS;
}

static const struct smpdfu_flash_device_ops buf_ops = {
	.read = buf_read, .program = buf_refuse, .erase = buf_refuse_erase,
};

static void as_area(const uint8_t *img, size_t len, struct smpdfu_flash_device *dev,
		    struct smpdfu_flash_area *fa)
{
	*dev = (struct smpdfu_flash_device){
		.ops = &buf_ops, .ctx = (void *)img, .size = (uint32_t)len, .page_size = 1,
		.write_block = 1, .erased_value = 0xff,
	};
	*fa = (struct smpdfu_flash_area){
		.label = "file", .dev = dev, .off = 0, .size = (uint32_t)len
	};
}

static const char *tlv_name(uint16_t type)
{
	switch (type) {
	case SMPDFU_IMAGE_TLV_KEYHASH: return "KEYHASH";
	case SMPDFU_IMAGE_TLV_PUBKEY: return "PUBKEY";
	case SMPDFU_IMAGE_TLV_SHA256: return "SHA256";
	case SMPDFU_IMAGE_TLV_SHA384: return "SHA384";
	case SMPDFU_IMAGE_TLV_SHA512: return "SHA512";
	case SMPDFU_IMAGE_TLV_RSA2048_PSS: return "RSA2048_PSS";
	case SMPDFU_IMAGE_TLV_ECDSA_SIG: return "ECDSA_SIG";
	case SMPDFU_IMAGE_TLV_RSA3072_PSS: return "RSA3072_PSS";
	case SMPDFU_IMAGE_TLV_ED25519: return "ED25519";
	case SMPDFU_IMAGE_TLV_SIG_PURE: return "SIG_PURE";
	case SMPDFU_IMAGE_TLV_DEPENDENCY: return "DEPENDENCY";
	case SMPDFU_IMAGE_TLV_SEC_CNT: return "SEC_CNT";
	default: return "?";
	}
}

static void print_hex(FILE *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		fprintf(out, "%02x", p[i]);
	}
}

int image_print_hash(const uint8_t *img, size_t len, FILE *out)
{
	struct smpdfu_flash_device dev;
	struct smpdfu_flash_area fa;
	struct smpdfu_image_header hdr;
	uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE];

	as_area(img, len, &dev, &fa);
	if (smpdfu_image_read_hash(&fa, &hdr, hash) < 0) {
		struct smpdfu_image_validation v;

		if (smpdfu_image_validate(&fa, NULL, 0, &v) == 0 && v.hash_len != sizeof(hash)) {
			fprintf(stderr,
				"this image's hash is SHA-512 (imgtool --pure or --sha 512): a "
				"device reports it only when its MCUmgr is built for SHA-512 "
				"images, which smpdfu's is not\n");
		} else {
			fprintf(stderr, "not a readable MCUboot image (no single SHA-256 TLV)\n");
		}
		return -EBADMSG;
	}
	print_hex(out, hash, sizeof(hash));
	fputc('\n', out);
	return 0;
}

int image_dump(const uint8_t *img, size_t len, FILE *out)
{
	struct smpdfu_flash_device dev;
	struct smpdfu_flash_area fa;
	struct smpdfu_image_header hdr;
	struct smpdfu_image_tlv_iter it;
	struct smpdfu_image_validation v;
	char version[SMPDFU_IMAGE_VERSION_STR_MAX];
	int rc;

	as_area(img, len, &dev, &fa);
	rc = smpdfu_image_read_header(&fa, &hdr);
	if (rc < 0) {
		fprintf(stderr, "%s\n", rc == -ENOENT ? "no MCUboot magic" : "malformed header");
		return -EBADMSG;
	}
	smpdfu_image_version_str(&hdr.ver, version);
	fprintf(out,
		"header:  magic 0x%08x, load_addr 0x%08x, hdr_size 0x%x, protect_tlv_size %u,\n"
		"         img_size %u, flags 0x%08x, version %u.%u.%u+%u (%s)\n",
		hdr.magic, hdr.load_addr, hdr.hdr_size, hdr.protect_tlv_size, hdr.img_size,
		hdr.flags, hdr.ver.major, hdr.ver.minor, hdr.ver.revision, hdr.ver.build_num,
		version);
	if (smpdfu_image_tlv_iter_begin(&it, &fa, &hdr) < 0) {
		fprintf(stderr, "malformed TLV area\n");
		return -EBADMSG;
	}
	while ((rc = smpdfu_image_tlv_iter_next(&it)) > 0) {
		fprintf(out, "tlv:     0x%02x %-11s len %3u %s ", it.type, tlv_name(it.type),
			it.len,
			smpdfu_image_tlv_iter_is_protected(&it) ? "(protected)  "
								: "(unprotected)");
		print_hex(out, img + it.off, it.len > 32 ? 32 : it.len);
		fprintf(out, "%s\n", it.len > 32 ? "..." : "");
	}
	if (rc < 0) {
		fprintf(stderr, "malformed TLV entry\n");
		return -EBADMSG;
	}
	fprintf(out, "size:    %u bytes (file %zu)\n", smpdfu_image_tlv_end(&it), len);
	/* The hash checked as the device checks it (SHA-256 or SHA-512, whichever the TLV is). */
	rc = smpdfu_image_validate(&fa, NULL, 0, &v);
	if (v.hash_len != 0) {
		fprintf(out, "hash:    ");
		print_hex(out, v.hash, v.hash_len);
		fprintf(out, " %s\n", rc == 0 ? "(matches)" : "(MISMATCH)");
	} else {
		fprintf(out, "hash:    not checked: %s\n", v.problem);
	}
	if (v.pure) {
		fprintf(out, "signed:  pure (the signature covers the image, not its hash)\n");
	}
	image_trailer_print(img + smpdfu_image_tlv_end(&it), len - smpdfu_image_tlv_end(&it), out);
	return rc == 0 ? 0 : -EBADMSG;
}

/* Why smpdfu_image_validate() said no, in the words of the verify command. */
static const char *verdict(int rc, const struct smpdfu_image_validation *v)
{
	if (rc == 0) {
		return "valid";
	}
	return v->problem != NULL ? v->problem : "cannot be read";
}

int image_verify(const uint8_t *img, size_t len, const struct smpdfu_image_key *keys,
		 size_t key_count, FILE *out)
{
	struct smpdfu_flash_device dev;
	struct smpdfu_flash_area fa;
	struct smpdfu_image_validation v;
	char version[SMPDFU_IMAGE_VERSION_STR_MAX];
	int rc;

	if (len > UINT32_MAX) {
		fprintf(stderr, "image: too large\n");
		return -EFBIG;
	}
	as_area(img, len, &dev, &fa);
	rc = smpdfu_image_validate(&fa, keys, key_count, &v);
	if (rc != -ENOENT && v.hdr.magic == SMPDFU_IMAGE_MAGIC) {
		smpdfu_image_version_str(&v.hdr.ver, version);
		fprintf(out, "version: %u.%u.%u+%u (%s)\n", v.hdr.ver.major, v.hdr.ver.minor,
			v.hdr.ver.revision, v.hdr.ver.build_num, version);
	}
	if (rc == 0) {
		fprintf(out, "hash:    ");
		print_hex(out, v.hash, v.hash_len);
		fprintf(out, "\nsize:    %u bytes\n", v.size);
		if (v.has_security_counter) {
			fprintf(out, "sec_cnt: %u\n", v.security_counter);
		}
		if (key_count == 0) {
			fprintf(out, "signature: not checked (no key given)\n");
		} else {
			fprintf(out, "signature: valid (trusted key%s)\n",
				v.pure ? ", pure: over the image itself" : "");
		}
	}
	fprintf(out, "result:  %s\n", verdict(rc, &v));
	if (rc < 0) {
		fprintf(stderr, "image is not valid: %s\n", verdict(rc, &v));
	}
	return rc;
}
