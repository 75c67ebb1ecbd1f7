/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The internal flash of an nRF51/nRF52 as a smpdfu flash device: reads are plain loads, programs
 * go word by word and erases page by page through the NVMC.
 */
#ifndef SMPDFU_NRF_NVMC_H
#define SMPDFU_NRF_NVMC_H

#include <smpdfu/flash.h>

/* The device: the whole internal flash, pages and size from <smpdfu/config.h>. */
extern const struct smpdfu_flash_device nrf_nvmc_flash;

/*
 * True when the part's FICR agrees with the configured page size and flash size: a build for the
 * wrong part must not erase pages it has the size of wrong.
 */
bool nrf_nvmc_matches_part(void);

#endif /* SMPDFU_NRF_NVMC_H */
