/* SPDX-License-Identifier: Apache-2.0 */
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
#include "packet_queue.h"
#include "vdevice.h"

/* Handles of the SMP characteristic's value and CCCD in the simulated GATT database. */
#define BLE_SIM_SMP_HANDLE 0x0012u
#define BLE_SIM_CCCD_HANDLE 0x0013u

/* How the device's flash and radio share time. */
enum ble_sharing {
	BLE_SHARING_AUTO,     /* as the part does: timeslots on nRF52, parallel on nRF5340 */
	BLE_SHARING_PARALLEL, /* the radio runs on while the flash works (a core of its own) */
	BLE_SHARING_TIMESLOT, /* each flash slot takes the radio (one core, MPSL timeslots) */
};

struct ble_sim_cfg {
	struct ble_link_cfg link;
	/* The device; its identity and transport are the BLE simulation's own. */
	struct vdevice_cfg dev;
	bool transfer_events;   /* uploads over BLE count as BLE transfers for the application */
	uint32_t reconnect_us;  /* from a device reboot to the central's reconnection */
	enum ble_sharing sharing;
	/* The central. */
	const char *central;    /* the profile it was built from, for reports */
	/*
	 * A write the client sends after a notification goes out from the n-th connection event
	 * after that moment: the phone's OS and app need that long (0: at once, in the same event
	 * if it is still going).
	 */
	uint8_t turnaround_events;
	bool reassembly;        /* SMP packets span several writes (else one packet per write) */
	uint32_t given;         /* settings the user gave, one bit each: a profile keeps off them */
};

struct ble_sim_central {
	bool subscribed;         /* notifications on: the CCCD write was answered */
	bool cccd_pending;       /* a CCCD write waits for its answer */
	bool cccd_value;         /* what it writes */
	uint8_t *rx;             /* the response being rebuilt */
	size_t rx_len;
	struct packet_queue rsp; /* rebuilt responses the client has not read yet */
	uint32_t writes;         /* ATT writes without response sent */
	uint32_t notifications;  /* notifications received */
	uint32_t bad;            /* notifications that made no sense (bytes past a response) */
};

struct ble_sim_stats {
	uint32_t att_errors;     /* writes the GATT server refused */
};

struct ble_sim {
	struct ble_sim_cfg cfg;
	struct ble_model link;
	uint64_t now;
	/* The device. */
	struct vdevice dev;
	struct smp_bt bt;
	struct ble_link blink;   /* <smpdfu/ble_link.h> over the model */
	bool subscribed;         /* the GATT server's CCCD */
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

/* Whether flash slots take the radio in this simulation (sharing resolved for the part). */
bool ble_sim_flash_takes_radio(const struct ble_sim_cfg *cfg);

/* The longest SMP packet the central sends: unlimited with reassembly, else one write's worth. */
size_t ble_sim_max_packet(const struct ble_sim *s);

/*
 * The central sends one SMP packet: ATT writes without response of at most ATT_MTU - 3 bytes,
 * handed to its controller at once or, with a turnaround, for a later connection event.
 * Returns 0, -ENOTCONN (no connection or not subscribed yet), -EMSGSIZE (longer than
 * ble_sim_max_packet()) or -ENOMEM.
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
