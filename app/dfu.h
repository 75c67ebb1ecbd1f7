/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The config-channel DFU ("dfu"): nRF Desktop's second DFU transport, writing the same slot as
 * MCUmgr under the DFU lock (owner "Config Channel"). Its four commands come from the device's
 * configuration channel (on the simulated device a local socket, docs/config_channel.md). Every
 * function here runs in the main context.
 */
#ifndef APP_DFU_H
#define APP_DFU_H

#include <stddef.h>
#include <stdint.h>

/* What sync reports; the numbers are nRF Desktop's. */
enum dfu_state {
	DFU_STATE_INACTIVE = 0,              /* no transfer: start may be sent */
	DFU_STATE_ACTIVE_CONFIG_CHANNEL = 1, /* a transfer is open: send data */
	DFU_STATE_STORING = 2,               /* received data is being written: wait */
	DFU_STATE_CLEANING = 3,              /* the slot is being erased: wait, then start */
	DFU_STATE_ACTIVE_OTHER = 4,          /* another DFU transport owns the lock */
};

struct dfu_sync_info {
	enum dfu_state state;
	uint32_t img_length;       /* of the transfer in progress or kept for resume; 0: none */
	uint32_t img_csum;         /* its CRC-32 (IEEE 802.3, as zlib's crc32) */
	uint32_t offset;           /* bytes stored so far: where a resumed transfer continues */
	uint32_t sync_buffer_size; /* data the host may send before it must wait for STORING */
};

/*
 * Opens a transfer of an image of img_length bytes with CRC-32 img_csum, from offset 0 or, to
 * resume, from the offset sync reports (with the same length and checksum). Returns 0 when the
 * host may send data; -EBUSY when another DFU transport holds the lock (or a reboot is pending);
 * -EAGAIN when the slot must be erased first (the erase has started: retry once sync no longer
 * says CLEANING); -EALREADY when a transfer is open; -EFBIG when the image does not fit the slot;
 * -EINVAL when a resume does not match what is kept; or a flash error.
 */
int smpdfu_dfu_cmd_start(uint32_t img_length, uint32_t img_csum, uint32_t offset);

/*
 * Adds the next len bytes of the image. When the sync buffer is full or the image complete, they
 * are written in the background (sync says STORING); the last store checks the CRC-32 and marks
 * the image for the next boot. *received: bytes received so far (stored or buffered). Returns 0;
 * -EPERM without an open transfer; -EBUSY while storing; -ENOBUFS when len exceeds the room left
 * in the sync buffer; -EINVAL for len 0 or data past the image's end.
 */
int smpdfu_dfu_cmd_data(const uint8_t *data, size_t len, uint32_t *received);

/*
 * The state of the module. Takes the DFU lock to find out whether it may use the flash (which
 * tells the previous owner, MCUmgr, that its upload is gone) and gives it back when idle.
 */
void smpdfu_dfu_cmd_sync(struct dfu_sync_info *info);

/*
 * Reboots the device after CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_REBOOT_DELAY_MS, keeping the DFU lock
 * until then. Returns 0, or -EBUSY when another DFU transport holds the lock.
 */
int smpdfu_dfu_cmd_reboot(void);

/* "INACTIVE", "ACTIVE_CONFIG_CHANNEL", "STORING", "CLEANING", "ACTIVE_OTHER", or "?". */
const char *smpdfu_dfu_state_name(enum dfu_state state);

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32): start with crc 0, feed the data in pieces. */
uint32_t smpdfu_dfu_crc32_update(uint32_t crc, const uint8_t *data, size_t len);

#endif /* APP_DFU_H */
