/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Signing keys in PEM files, for the host programs: the simulated device loads the public half of
 * the keys its bootloader trusts, the image tool the private half it signs with. Both compute the
 * KEYHASH exactly as imgtool does, so images name keys the same way whoever signed them.
 */
#ifndef KEY_PEM_H
#define KEY_PEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/image.h>

#define KEY_PEM_PUB_MAX 65  /* P-256 uncompressed point; Ed25519 keys take 32 */
#define KEY_PEM_PRIV_SIZE 32 /* P-256 scalar or Ed25519 seed */

struct key_pem {
	enum smpdfu_image_key_type type;
	uint8_t pub[KEY_PEM_PUB_MAX];
	size_t pub_len;
	bool has_priv;
	uint8_t priv[KEY_PEM_PRIV_SIZE];
	uint8_t keyhash[SMPDFU_SHA256_DIGEST_SIZE]; /* SHA-256 of the DER SubjectPublicKeyInfo */
};

/*
 * Reads one key from PEM text: "EC PRIVATE KEY" (SEC1), "PRIVATE KEY" (PKCS#8) or "PUBLIC KEY"
 * (SubjectPublicKeyInfo), for EC P-256 or Ed25519. Returns 0; -ENOTSUP for another algorithm or
 * curve, or an encrypted key; -EINVAL when the text holds no PEM key at all.
 */
int key_pem_parse(const char *pem, size_t len, struct key_pem *key);

/*
 * key_pem_parse() on the contents of a file. Returns its codes, or the -errno of open/read. On a
 * failure *why (if not NULL) is set to a short phrase for the user ("not a PEM key", ...).
 */
int key_pem_load(const char *path, struct key_pem *key, const char **why);

/*
 * The DER SubjectPublicKeyInfo of a public key (what imgtool hashes for KEYHASH): writes at most
 * cap bytes to out and returns the length, or -EINVAL for a key of the wrong length, -ENOSPC.
 */
int key_pem_spki(enum smpdfu_image_key_type type, const uint8_t *pub, size_t pub_len, uint8_t *out,
		 size_t cap);

/* Fills keyhash from the public key. 0, -EINVAL, -EIO. */
int key_pem_keyhash(enum smpdfu_image_key_type type, const uint8_t *pub, size_t pub_len,
		    uint8_t keyhash[SMPDFU_SHA256_DIGEST_SIZE]);

/* The trusted-key view the validator takes; its pub points into key, which must outlive it. */
void key_pem_to_image_key(const struct key_pem *key, struct smpdfu_image_key *out);

/* "ecdsa-p256" or "ed25519", as imgtool names the key types. */
const char *key_pem_type_name(enum smpdfu_image_key_type type);

#endif /* KEY_PEM_H */
