/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Key generation with wolfCrypt: the key is made, encoded to DER and PEM, and written to a file
 * only the owner can read. Buffers that held the private key are wiped before they are released.
 */
#define _POSIX_C_SOURCE 200809L

#include "image_keygen.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* options.h must come first: it carries the feature macros the library was built with. */
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/asn_public.h>
#include <wolfssl/wolfcrypt/ecc.h>
#include <wolfssl/wolfcrypt/ed25519.h>
#include <wolfssl/wolfcrypt/random.h>

#define DER_MAX 512
#define PEM_MAX 1024

static int make_ecdsa_der(WC_RNG *rng, uint8_t *der, int *der_len)
{
	ecc_key ecc;
	int rc = -EIO;

	if (wc_ecc_init(&ecc) != 0) {
		return -EIO;
	}
	if (wc_ecc_make_key_ex(rng, 32, &ecc, ECC_SECP256R1) == 0) {
		/* SEC1 with the curve and the public key, like root-ec-p256.pem. */
		*der_len = wc_EccKeyToDer(&ecc, der, DER_MAX);
		rc = *der_len > 0 ? 0 : -EIO;
	}
	wc_ecc_free(&ecc);
	return rc;
}

static int make_ed25519_der(WC_RNG *rng, uint8_t *der, int *der_len)
{
	ed25519_key ed;
	int rc = -EIO;

	if (wc_ed25519_init(&ed) != 0) {
		return -EIO;
	}
	if (wc_ed25519_make_key(rng, ED25519_KEY_SIZE, &ed) == 0) {
		/* PKCS#8 with the seed only, like root-ed25519.pem. */
		*der_len = wc_Ed25519PrivateKeyToDer(&ed, der, DER_MAX);
		rc = *der_len > 0 ? 0 : -EIO;
	}
	wc_ed25519_free(&ed);
	return rc;
}

static int write_new_file(const char *path, const uint8_t *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	size_t done = 0;
	int rc = 0;

	if (fd < 0) {
		return -errno;
	}
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			rc = -EIO;
			break;
		}
		done += (size_t)n;
	}
	if (close(fd) != 0 && rc == 0) {
		rc = -EIO;
	}
	if (rc < 0) {
		unlink(path);
	}
	return rc;
}

int image_keygen(enum smpdfu_image_key_type type, const char *path)
{
	uint8_t der[DER_MAX];
	uint8_t pem[PEM_MAX];
	WC_RNG rng;
	int der_len = 0;
	int pem_len;
	int rc;

	if (wc_InitRng(&rng) != 0) {
		return -EIO;
	}
	if (type == IMAGE_KEY_ED25519) {
		rc = make_ed25519_der(&rng, der, &der_len);
	} else {
		rc = make_ecdsa_der(&rng, der, &der_len);
	}
	wc_FreeRng(&rng);
	if (rc < 0) {
		goto out_wipe;
	}
	pem_len = wc_DerToPem(der, (word32)der_len, pem, sizeof(pem),
			      type == IMAGE_KEY_ED25519 ? PKCS8_PRIVATEKEY_TYPE
							: ECC_PRIVATEKEY_TYPE);
	if (pem_len <= 0) {
		rc = -EIO;
		goto out_wipe;
	}
	rc = write_new_file(path, pem, (size_t)pem_len);

out_wipe:
	memset(der, 0, sizeof(der));
	memset(pem, 0, sizeof(pem));
	return rc;
}
