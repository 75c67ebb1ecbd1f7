/*
 * A whole DFU set-up over Bluetooth LE in one process and in virtual time: the device (flash in RAM
 * or a file, optional flash timing, bootloader, SMP server with its groups, the SMP GATT transport,
 * the BLE link interface for the application), the link model between them, and a central that
 * subscribes to the SMP characteristic, writes requests without response in ATT_MTU - 3 pieces and
 * rebuilds notified responses by their SMP length, like nRF Connect Device Manager. The device's
 * code is the real portable core; only the radio and the clock are models.
 */
#ifndef BLE_SIM_H
#define BLE_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <smpdfu/ble_link.h>
#include <smpdfu/flash.h>
#include <smpdfu/transport/smp_bt.h>

#include "ble_model.h"
#include "flash_sim.h"
#include "flash_timing.h"

/* Handles of the SMP characteristic's value and CCCD in the simulated GATT database. */
#define BLE_SIM_SMP_HANDLE 0x0012u
#define BLE_SIM_CCCD_HANDLE 0x0013u
/* Completed responses the central holds until the client reads them. */
#define BLE_SIM_RX_QUEUE 64

struct ble_sim_cfg {
	struct ble_link_cfg link;
	const char *flash_path;           /* NULL: the flash lives in RAM for this run only */
	const struct flash_timing *flash; /* NULL: flash operations take no time */
	bool slot1_dirty;       /* slot 1 holds an older image: every page needs an erase */
	/*
	 * A blank primary slot is first given a version 1.0.0 image of this many bytes, as a
	 * factory programmer would, so the device boots an application; 0 leaves it blank.
	 */
	size_t factory_image_size;
	bool transfer_events;   /* uploads over BLE count as BLE transfers for the application */
	uint32_t reconnect_us;  /* from a device reboot to the central's reconnection */
	/*
	 * Starts the application modules after the SMP server and the BLE link are installed, at
	 * every boot; NULL for a device without them. Returns 0 or -errno.
	 */
	int (*app_start)(void);
	/* Handles the application's queued events (main context); NULL without an application. */
	int (*app_process)(void);
	bool (*app_has_pending)(void);
};

/* A response the central rebuilt, waiting for the client. */
struct ble_sim_packet {
	size_t len;
	uint8_t *data;
};

struct ble_sim_central {
	bool subscribed;         /* notifications on: the CCCD write was answered */
	bool cccd_pending;       /* a CCCD write waits for its answer */
	bool cccd_value;         /* what it writes */
	uint8_t *rx;             /* the response being rebuilt */
	size_t rx_len;
	struct ble_sim_packet q[BLE_SIM_RX_QUEUE];
	size_t q_head;
	size_t q_count;
	uint32_t writes;         /* ATT writes without response sent */
	uint32_t notifications;  /* notifications received */
	uint32_t packets;        /* responses rebuilt */
	uint32_t overflows;      /* responses lost: the client did not read fast enough */
	uint32_t bad;            /* notifications that made no sense (bytes past a response) */
};

struct ble_sim_stats {
	uint64_t dev_busy_us;    /* device CPU time spent in flash operations */
	uint32_t att_errors;     /* writes the GATT server refused */
	uint32_t reboots;
};

struct ble_sim {
	struct ble_sim_cfg cfg;
	struct ble_model link;
	uint64_t now;
	/* The device. */
	struct flash_sim flash;
	struct timed_flash tflash;
	struct flash_area areas[FLASH_AREA_COUNT];
	struct smp_bt bt;
	struct ble_link blink;   /* <smpdfu/ble_link.h> over the model */
	bool subscribed;         /* the GATT server's CCCD */
	size_t smp_queued;       /* requests handed to the SMP server, not yet processed */
	size_t smp_head;         /* the oldest of them in smp_arrival */
	/* When each queued request arrived whole: the device cannot start on it any earlier. */
	uint64_t smp_arrival[CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT];
	uint64_t app_kick_at;    /* when the link last reported something to the application */
	uint64_t dev_free_at;    /* the device's CPU is busy until then */
	uint64_t reconnect_at;   /* UINT64_MAX: no reconnection pending */
	/* The other end. */
	struct ble_sim_central central;
	struct ble_sim_stats stats;
};

/*
 * Builds the device (flash, bootloader, SMP server and groups, GATT transport, application),
 * connects the link at time 0 and lets the central subscribe. Returns 0 or -errno (a message on
 * stderr says why). There is one SMP server per process, so one simulation at a time.
 */
int ble_sim_open(struct ble_sim *s, const struct ble_sim_cfg *cfg);
/* Writes a file-backed flash back and frees everything. */
void ble_sim_close(struct ble_sim *s);

/* The simulation's time (µs since the connection). */
uint64_t ble_sim_now(const struct ble_sim *s);

/*
 * The central sends one SMP packet: ATT writes without response of at most ATT_MTU - 3 bytes.
 * Returns 0, -ENOTCONN (no connection or not subscribed yet) or -ENOMEM.
 */
int ble_sim_central_send(struct ble_sim *s, const uint8_t *pkt, size_t len);

/*
 * Runs the simulation until the central holds a rebuilt response or the virtual time reaches
 * now + timeout_us. Copies at most cap bytes of the response to buf and returns its length
 * (larger than cap: truncated), or -ETIMEDOUT.
 */
int ble_sim_central_recv(struct ble_sim *s, uint8_t *buf, size_t cap, uint64_t timeout_us);

/*
 * Runs the simulation up to time t (or until stop(s) is true, checked between actions). Returns 0
 * when stopped, -ETIMEDOUT when t was reached.
 */
int ble_sim_run_until(struct ble_sim *s, uint64_t t, bool (*stop)(struct ble_sim *s));

/* The central unsubscribes (writes 0 to the CCCD) or subscribes again. Returns 0 or -errno. */
int ble_sim_central_subscribe(struct ble_sim *s, bool on);

#endif /* BLE_SIM_H */
