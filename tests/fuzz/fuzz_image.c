/* SPDX-License-Identifier: Apache-2.0 */
/* Test keys, deterministic signatures, images made to order and the TLV fix-up of the fuzzers. */
#include "fuzz_image.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* options.h must come first: it carries the feature macros the library was built with. */
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/ed25519.h>
#include <wolfssl/wolfcrypt/random.h>
#include <wolfssl/wolfcrypt/sha512.h>

#include <smpdfu/crypto.h>
#include <smpdfu/prot/image.h>

#include "key_pem.h"
#include "util.h"

/* Private halves made for the fuzzers (random bytes, no other use): an Ed25519 seed, a scalar. */
static const uint8_t ed_seed[32] = {
	0xcd, 0xd3, 0x69, 0x68, 0x62, 0x4f, 0x85, 0x6a, 0xac, 0x7c, 0x85, 0xcf, 0x18, 0x62, 0x3f,
	0x3d, 0xdf, 0x0c, 0x77, 0xc2, 0xae, 0x4e, 0x63, 0xad, 0x63, 0xfd, 0xa3, 0x70, 0xe6, 0x93,
	0xb4, 0x04,
};
static const uint8_t ec_scalar[32] = {
	0xc7, 0x78, 0xe7, 0x51, 0x17, 0xb0, 0x94, 0x16, 0x65, 0xee, 0xe9, 0x06, 0x20, 0xf9, 0xee,
	0x11, 0x5f, 0xdd, 0x71, 0x48, 0x70, 0xcb, 0x57, 0x4a, 0x8d, 0x04, 0x91, 0x21, 0x9c, 0xa0,
	0x99, 0xb1,
};

static struct {
	bool ready;
	ed25519_key ed;
	ecc_key ec;
	WC_RNG rng;
	uint8_t ed_pub[32];
	uint8_t ec_pub[65];
	struct smpdfu_image_key keys[FUZZ_KEY_COUNT];
} k;

/*
 * The last signature made for each (key, first byte of the message's SHA-256), with that SHA-256:
 * a mutation often keeps the image hash.
 */
struct sig_entry {
	bool used;
	uint8_t id[32];
	uint8_t sig[72];
	size_t len;
};

static struct sig_entry sig_cache[FUZZ_KEY_COUNT][256];

static void need(bool ok)
{
	if (!ok) {
		abort();
	}
}

void fuzz_keys_init(void)
{
	word32 len = sizeof(k.ec_pub);

	if (k.ready) {
		return;
	}
	need(wc_ed25519_init(&k.ed) == 0);
	need(wc_ed25519_import_private_only(ed_seed, sizeof(ed_seed), &k.ed) == 0);
	need(wc_ed25519_make_public(&k.ed, k.ed_pub, sizeof(k.ed_pub)) == 0);
	need(wc_ed25519_import_private_key(ed_seed, sizeof(ed_seed), k.ed_pub, sizeof(k.ed_pub),
					   &k.ed) == 0);
	need(wc_InitRng(&k.rng) == 0);
	need(wc_ecc_init(&k.ec) == 0);
	need(wc_ecc_import_private_key_ex(ec_scalar, sizeof(ec_scalar), NULL, 0, &k.ec,
					  ECC_SECP256R1) == 0);
	need(wc_ecc_make_pub(&k.ec, NULL) == 0);
	need(wc_ecc_export_x963(&k.ec, k.ec_pub, &len) == 0 && len == sizeof(k.ec_pub));
	need(wc_ecc_set_deterministic(&k.ec, 1) == 0);

	k.keys[FUZZ_KEY_ED25519] = (struct smpdfu_image_key){
		.type = IMAGE_KEY_ED25519, .pub = k.ed_pub, .pub_len = sizeof(k.ed_pub),
	};
	k.keys[FUZZ_KEY_ECDSA] = (struct smpdfu_image_key){
		.type = IMAGE_KEY_ECDSA_P256, .pub = k.ec_pub, .pub_len = sizeof(k.ec_pub),
	};
	for (int i = 0; i < FUZZ_KEY_COUNT; i++) {
		need(key_pem_keyhash(k.keys[i].type, k.keys[i].pub, k.keys[i].pub_len,
				     k.keys[i].keyhash) == 0);
	}
	k.ready = true;
}

const struct smpdfu_image_key *fuzz_keys(void)
{
	fuzz_keys_init();
	return k.keys;
}

static void sha256(const uint8_t *p, size_t len, uint8_t digest[SMPDFU_SHA256_DIGEST_SIZE]);

size_t fuzz_sign(enum fuzz_key key, const uint8_t *msg, size_t msg_len, uint8_t sig[72])
{
	struct sig_entry *e;
	uint8_t id[32];
	word32 len = 72;

	fuzz_keys_init();
	sha256(msg, msg_len, id);
	e = &sig_cache[key][id[0]];
	if (e->used && memcmp(e->id, id, 32) == 0) {
		memcpy(sig, e->sig, e->len);
		return e->len;
	}
	if (key == FUZZ_KEY_ED25519) {
		need(wc_ed25519_sign_msg(msg, (word32)msg_len, sig, &len, &k.ed) == 0 && len == 64);
	} else {
		need(wc_ecc_sign_hash(msg, (word32)msg_len, sig, &len, &k.rng, &k.ec) == 0 &&
		     len <= 72);
	}
	e->used = true;
	memcpy(e->id, id, 32);
	memcpy(e->sig, sig, len);
	e->len = len;
	return len;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static void sha256(const uint8_t *p, size_t len, uint8_t digest[SMPDFU_SHA256_DIGEST_SIZE])
{
	struct sha256_ctx ctx;

	need(smpdfu_crypto_sha256_init(&ctx) == 0 &&
	     smpdfu_crypto_sha256_update(&ctx, p, len) == 0 &&
	     smpdfu_crypto_sha256_final(&ctx, digest) == 0);
}

/* Header + payload + protected TLVs: what the image hash covers; 0 when not an image. */
static uint64_t hashed_len(const uint8_t *img, size_t len)
{
	if (len < SMPDFU_IMAGE_HEADER_SIZE ||
	    get32(img + SMPDFU_IMAGE_HDR_OFF_MAGIC) != SMPDFU_IMAGE_MAGIC) {
		return 0;
	}
	return (uint64_t)get16(img + SMPDFU_IMAGE_HDR_OFF_HDR_SIZE) +
	       get32(img + SMPDFU_IMAGE_HDR_OFF_IMG_SIZE) +
	       get16(img + SMPDFU_IMAGE_HDR_OFF_PROTECT_TLV_SIZE);
}

size_t fuzz_image_size(const uint8_t *img, size_t len)
{
	uint64_t at = hashed_len(img, len);
	uint64_t end;

	if (at == 0 || at + SMPDFU_IMAGE_TLV_INFO_SIZE > len ||
	    get16(img + at) != SMPDFU_IMAGE_TLV_INFO_MAGIC) {
		return 0;
	}
	end = at + get16(img + at + 2);
	return end <= len ? (size_t)end : 0;
}

bool fuzz_image_hash(const uint8_t *img, size_t len, uint8_t hash[SMPDFU_SHA256_DIGEST_SIZE])
{
	uint64_t at = hashed_len(img, len);

	if (at == 0 || at > len) {
		return false;
	}
	sha256(img, (size_t)at, hash);
	return true;
}

static void put_tlv(uint8_t *out, size_t *pos, uint16_t type, const void *v, size_t len)
{
	put16(out + *pos, type);
	put16(out + *pos + 2, (uint32_t)len);
	memcpy(out + *pos + 4, v, len);
	*pos += 4 + len;
}

size_t fuzz_image_make(uint8_t *out, size_t cap, const struct fuzz_image_spec *s)
{
	/* Largest TLV tail: the hash and two KEYHASH + signature pairs, and a protected area. */
	const size_t tail = 12 + 36 + 2 * (36 + 76) + 4;
	size_t body = (size_t)s->hdr_size + s->payload_len;
	uint32_t x = s->seed * 2654435761u + 1;
	uint8_t digest[SMPDFU_SHA256_DIGEST_SIZE];
	size_t pos;
	size_t info;

	if (s->hdr_size < SMPDFU_IMAGE_HEADER_SIZE || body + tail > cap) {
		return 0;
	}
	memset(out, 0xff, s->hdr_size);
	memset(out, 0, SMPDFU_IMAGE_HEADER_SIZE);
	put32(out + SMPDFU_IMAGE_HDR_OFF_MAGIC, SMPDFU_IMAGE_MAGIC);
	put32(out + SMPDFU_IMAGE_HDR_OFF_LOAD_ADDR, s->load_addr);
	put16(out + SMPDFU_IMAGE_HDR_OFF_HDR_SIZE, s->hdr_size);
	put16(out + SMPDFU_IMAGE_HDR_OFF_PROTECT_TLV_SIZE, s->sec_cnt ? 12 : 0);
	put32(out + SMPDFU_IMAGE_HDR_OFF_IMG_SIZE, s->payload_len);
	put32(out + SMPDFU_IMAGE_HDR_OFF_FLAGS, s->flags);
	out[SMPDFU_IMAGE_HDR_OFF_VER_MAJOR] = s->ver.major;
	out[SMPDFU_IMAGE_HDR_OFF_VER_MINOR] = s->ver.minor;
	put16(out + SMPDFU_IMAGE_HDR_OFF_VER_REVISION, s->ver.revision);
	put32(out + SMPDFU_IMAGE_HDR_OFF_VER_BUILD, s->ver.build_num);
	for (size_t i = 0; i < s->payload_len; i++) {
		/* xorshift: images differ everywhere, and runs of 0xFF are rare. */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		out[s->hdr_size + i] = (uint8_t)x;
	}
	pos = body;
	if (s->sec_cnt) {
		uint8_t v[4];

		put32(v, s->ver.major);
		put16(out + pos, SMPDFU_IMAGE_TLV_PROT_INFO_MAGIC);
		put16(out + pos + 2, 12);
		pos += 4;
		put_tlv(out, &pos, SMPDFU_IMAGE_TLV_SEC_CNT, v, sizeof(v));
	}
	sha256(out, pos, digest);
	info = pos;
	pos += 4;
	put_tlv(out, &pos, SMPDFU_IMAGE_TLV_SHA256, digest, sizeof(digest));
	for (int key = 0; key < FUZZ_KEY_COUNT; key++) {
		uint16_t type = key == FUZZ_KEY_ED25519 ? SMPDFU_IMAGE_TLV_ED25519
							: SMPDFU_IMAGE_TLV_ECDSA_SIG;
		uint8_t sig[72];
		size_t len;

		if (!(s->sign & (1u << key))) {
			continue;
		}
		len = fuzz_sign((enum fuzz_key)key, digest, sizeof(digest), sig);
		put_tlv(out, &pos, SMPDFU_IMAGE_TLV_KEYHASH, fuzz_keys()[key].keyhash,
			SMPDFU_SHA256_DIGEST_SIZE);
		put_tlv(out, &pos, type, sig, len);
	}
	put16(out + info, SMPDFU_IMAGE_TLV_INFO_MAGIC);
	put16(out + info + 2, (uint32_t)(pos - info));
	return pos;
}

/* The key whose signature entry type is `type`, or -1. */
static int key_of_sig_type(uint16_t type)
{
	if (type == SMPDFU_IMAGE_TLV_ED25519) {
		return FUZZ_KEY_ED25519;
	}
	return type == SMPDFU_IMAGE_TLV_ECDSA_SIG ? FUZZ_KEY_ECDSA : -1;
}

/* What the unprotected area says about how the image is signed: its hash TLV, pure or not. */
struct tlv_walk {
	uint8_t *img;
	size_t at;   /* the unprotected area's first entry */
	size_t end;  /* its end, within the input */
	uint16_t hash_type;
	bool pure;
};

static void scan(struct tlv_walk *w)
{
	for (size_t pos = w->at; pos + 4 <= w->end;) {
		uint16_t type = get16(w->img + pos);
		size_t next = pos + 4 + get16(w->img + pos + 2);

		if (next > w->end) {
			break;
		}
		if (w->hash_type == 0 &&
		    (type == SMPDFU_IMAGE_TLV_SHA256 || type == SMPDFU_IMAGE_TLV_SHA512)) {
			w->hash_type = type;
		}
		w->pure = w->pure || (type == SMPDFU_IMAGE_TLV_SIG_PURE && next - pos == 5);
		pos = next;
	}
}

/* The SubjectPublicKeyInfo of a key, as a PUBKEY TLV and the 64-byte KEYHASH take it. */
static size_t spki(enum fuzz_key key, uint8_t out[128])
{
	const struct smpdfu_image_key *ik = &fuzz_keys()[key];
	int n = key_pem_spki(ik->type, ik->pub, ik->pub_len, out, 128);

	need(n > 0);
	return (size_t)n;
}

void fuzz_image_fixup(uint8_t *img, size_t len, unsigned int what)
{
	uint64_t at = hashed_len(img, len);
	struct tlv_walk w = { .img = img };
	uint8_t d256[32];
	uint8_t d512[64];
	const uint8_t *digest;
	size_t digest_len;

	if (what == 0 || at == 0 || at + SMPDFU_IMAGE_TLV_INFO_SIZE > len ||
	    get16(img + at) != SMPDFU_IMAGE_TLV_INFO_MAGIC) {
		return;
	}
	w.at = (size_t)at + SMPDFU_IMAGE_TLV_INFO_SIZE;
	w.end = (size_t)at + get16(img + at + 2);
	w.end = w.end < len ? w.end : len;
	scan(&w);
	sha256(img, (size_t)at, d256);
	need(wc_Sha512Hash(img, (word32)at, d512) == 0);
	/* Signatures are over the image's own hash (the first hash TLV), or over the image. */
	digest = w.hash_type == SMPDFU_IMAGE_TLV_SHA512 ? d512 : d256;
	digest_len = w.hash_type == SMPDFU_IMAGE_TLV_SHA512 ? sizeof(d512) : sizeof(d256);
	for (size_t pos = w.at; pos + 4 <= w.end;) {
		uint16_t type = get16(img + pos);
		size_t elen = get16(img + pos + 2);
		uint8_t *body = img + pos + 4;
		size_t next = pos + 4 + elen;
		int key = next + 4 <= w.end ? key_of_sig_type(get16(img + next)) : -1;
		uint8_t buf[128];

		if (next > w.end) {
			break;
		}
		if (what & FUZZ_FIX_HASH) {
			if (type == SMPDFU_IMAGE_TLV_SHA256 && elen == sizeof(d256)) {
				memcpy(body, d256, elen);
			} else if (type == SMPDFU_IMAGE_TLV_SHA512 && elen == sizeof(d512)) {
				memcpy(body, d512, elen);
			}
		}
		if (!(what & FUZZ_FIX_SIGN)) {
			pos = next;
			continue;
		}
		/* A key named just before the signature of its kind: by hash or in full. */
		if (type == SMPDFU_IMAGE_TLV_KEYHASH && key >= 0 && elen == 32) {
			memcpy(body, fuzz_keys()[key].keyhash, SMPDFU_SHA256_DIGEST_SIZE);
		} else if (type == SMPDFU_IMAGE_TLV_KEYHASH && key >= 0 && elen == 64) {
			need(wc_Sha512Hash(buf, (word32)spki((enum fuzz_key)key, buf), body) == 0);
		} else if (type == SMPDFU_IMAGE_TLV_PUBKEY && key >= 0 &&
			   elen == spki((enum fuzz_key)key, buf)) {
			memcpy(body, buf, elen);
		} else if (type == SMPDFU_IMAGE_TLV_SIG_PURE && elen == 1) {
			body[0] = 1;
		} else if ((key = key_of_sig_type(type)) >= 0) {
			bool ed = key == FUZZ_KEY_ED25519;
			bool pure = w.pure && ed;
			/* ECDSA signs a SHA-256 (which the validator requires of it). */
			const uint8_t *msg = pure ? img : ed ? digest : d256;
			size_t msg_len = pure ? (size_t)at : ed ? digest_len : sizeof(d256);
			uint8_t sig[72];
			size_t slen = fuzz_sign((enum fuzz_key)key, msg, msg_len, sig);

			/* A longer entry gets it zero-padded, as imgtool --pad-sig does. */
			if (slen <= elen) {
				memcpy(body, sig, slen);
				memset(body + slen, 0, elen - slen);
			}
		}
		pos = next;
	}
}

/*
 * The signature checks, memoised (the harnesses link with --wrap for both): the bootloader checks
 * the same primary image at every boot, and a check is a pure function of its inputs, so a
 * repeated one is answered from the table. New signatures still go to the real code.
 */
int __real_smpdfu_crypto_ed25519_verify(const uint8_t pub[32], const uint8_t *msg, size_t msg_len,
					const uint8_t sig[64]);
int __real_smpdfu_crypto_ecdsa_p256_verify(const uint8_t pub[65],
					   const uint8_t digest[SMPDFU_SHA256_DIGEST_SIZE],
					   const uint8_t *sig_der, size_t sig_len);
int __wrap_smpdfu_crypto_ed25519_verify(const uint8_t pub[32], const uint8_t *msg, size_t msg_len,
					const uint8_t sig[64]);
int __wrap_smpdfu_crypto_ecdsa_p256_verify(const uint8_t pub[65],
					   const uint8_t digest[SMPDFU_SHA256_DIGEST_SIZE],
					   const uint8_t *sig_der, size_t sig_len);

#define VERIFY_INPUT_MAX (65 + 64 + 128)

struct verify_entry {
	size_t len; /* of key: the key type, public key, message and signature, concatenated */
	uint8_t key[VERIFY_INPUT_MAX];
	int rc;
};

static struct verify_entry verify_cache[512];

/* The entry for key (FNV-1a picks the slot), or NULL when key is too long to be kept. */
static struct verify_entry *verify_slot(const uint8_t *key, size_t len)
{
	uint32_t h = 2166136261u;

	if (len > VERIFY_INPUT_MAX) {
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		h = (h ^ key[i]) * 16777619u;
	}
	return &verify_cache[h % ARRAY_SIZE(verify_cache)];
}

static bool verify_lookup(struct verify_entry *e, const uint8_t *key, size_t len, int *rc)
{
	if (e == NULL || e->len != len || memcmp(e->key, key, len) != 0) {
		return false;
	}
	*rc = e->rc;
	return true;
}

static void verify_store(struct verify_entry *e, const uint8_t *key, size_t len, int rc)
{
	if (e != NULL && rc != -EIO) {
		e->len = len;
		memcpy(e->key, key, len);
		e->rc = rc;
	}
}

int __wrap_smpdfu_crypto_ed25519_verify(const uint8_t pub[32], const uint8_t *msg, size_t msg_len,
					const uint8_t sig[64])
{
	uint8_t key[VERIFY_INPUT_MAX];
	struct verify_entry *e = NULL;
	size_t len = 1 + 32 + msg_len + 64;
	int rc;

	if (len <= sizeof(key)) {
		key[0] = 1;
		memcpy(key + 1, pub, 32);
		memcpy(key + 33, msg, msg_len);
		memcpy(key + 33 + msg_len, sig, 64);
		e = verify_slot(key, len);
		if (verify_lookup(e, key, len, &rc)) {
			return rc;
		}
	}
	rc = __real_smpdfu_crypto_ed25519_verify(pub, msg, msg_len, sig);
	verify_store(e, key, len, rc);
	return rc;
}

int __wrap_smpdfu_crypto_ecdsa_p256_verify(const uint8_t pub[65],
					   const uint8_t digest[SMPDFU_SHA256_DIGEST_SIZE],
					   const uint8_t *sig_der, size_t sig_len)
{
	uint8_t key[VERIFY_INPUT_MAX];
	struct verify_entry *e = NULL;
	size_t len = 1 + 65 + 32 + sig_len;
	int rc;

	if (len <= sizeof(key)) {
		key[0] = 2;
		memcpy(key + 1, pub, 65);
		memcpy(key + 66, digest, SMPDFU_SHA256_DIGEST_SIZE);
		memcpy(key + 98, sig_der, sig_len);
		e = verify_slot(key, len);
		if (verify_lookup(e, key, len, &rc)) {
			return rc;
		}
	}
	rc = __real_smpdfu_crypto_ecdsa_p256_verify(pub, digest, sig_der, sig_len);
	verify_store(e, key, len, rc);
	return rc;
}
