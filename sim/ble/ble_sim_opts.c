/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Settings of the BLE simulation from text. Times are given in milliseconds (decimals allowed, as
 * in "7.5") and kept in microseconds; anything out of range is refused here with the reason, before
 * the model sees it. A central profile sets several settings at once, except those the user gave
 * explicitly, wherever they stand in the list.
 */
#include "ble_sim_opts.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ble_central.h"
#include "util.h"

void ble_sim_cfg_defaults(struct ble_sim_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->link = (struct ble_link_cfg){
		.conn = { .timeout_ms = 4000 },
		.event_margin = true,
		.event_overhead_us = BLE_LINK_EVENT_OVERHEAD_US,
		.update_delay_us = 50000,
	};
	cfg->transfer_events = true;
	cfg->reconnect_us = 500000;
	cfg->dev.factory_image_size = 32 * 1024;
	cfg->reassembly = true;
	ble_sim_cfg_apply_central(cfg, ble_central_find("dk"));
}

/* A decimal number of milliseconds (e.g. "7.5") as whole microseconds, at most max_ms. */
static bool parse_ms(const char *value, double max_ms, uint32_t *us)
{
	char *end;
	double ms = strtod(value, &end);

	if (end == value || *end != '\0' || !(ms >= 0) || ms > max_ms) {
		return false;
	}
	*us = (uint32_t)llround(ms * 1000.0);
	return true;
}

static bool parse_uint(const char *value, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (value[0] < '0' || value[0] > '9') {
		return false;
	}
	v = strtoul(value, &end, 10);
	if (*end != '\0' || v > max) {
		return false;
	}
	*out = v;
	return true;
}

static bool parse_onoff(const char *value, bool *out)
{
	if (strcmp(value, "on") == 0 || strcmp(value, "1") == 0) {
		*out = true;
	} else if (strcmp(value, "off") == 0 || strcmp(value, "0") == 0) {
		*out = false;
	} else {
		return false;
	}
	return true;
}

/* One setting: parses value into cfg, or returns the sentence that says what it takes. */
typedef const char *(*setter_fn)(struct ble_sim_cfg *cfg, const char *value);

static const char *set_interval(struct ble_sim_cfg *cfg, const char *value)
{
	uint32_t us;

	if (!parse_ms(value, 4000, &us) || us < BLE_INTERVAL_MIN_US ||
	    us % BLE_INTERVAL_UNIT_US != 0) {
		return "7.5..4000 ms in steps of 1.25 ms";
	}
	cfg->link.conn.interval_us = us;
	return NULL;
}

static const char *set_latency(struct ble_sim_cfg *cfg, const char *value)
{
	unsigned long n;

	if (!parse_uint(value, BLE_LATENCY_MAX, &n)) {
		return "0..499 events";
	}
	cfg->link.conn.latency = (uint16_t)n;
	return NULL;
}

static const char *set_timeout(struct ble_sim_cfg *cfg, const char *value)
{
	unsigned long n;

	if (!parse_uint(value, BLE_TIMEOUT_MAX_MS, &n) || n < BLE_TIMEOUT_MIN_MS) {
		return "100..32000 ms";
	}
	cfg->link.conn.timeout_ms = (uint32_t)n;
	return NULL;
}

static const char *set_phy(struct ble_sim_cfg *cfg, const char *value)
{
	static const struct {
		const char *name;
		enum ble_phy phy;
	} phys[] = {
		{ "1m", BLE_PHY_1M }, { "1M", BLE_PHY_1M }, { "2m", BLE_PHY_2M },
		{ "2M", BLE_PHY_2M }, { "coded", BLE_PHY_CODED }, { "coded-s2", BLE_PHY_CODED_S2 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(phys); i++) {
		if (strcmp(value, phys[i].name) == 0) {
			cfg->link.phy = phys[i].phy;
			return NULL;
		}
	}
	return "1m, 2m, coded (S=8) or coded-s2";
}

static const char *set_dl(struct ble_sim_cfg *cfg, const char *value)
{
	unsigned long n;

	if (!parse_uint(value, BLE_DATA_LEN_MAX, &n) || n < BLE_DATA_LEN_MIN) {
		return "27..251 bytes";
	}
	cfg->link.data_len = (uint16_t)n;
	return NULL;
}

static const char *set_mtu(struct ble_sim_cfg *cfg, const char *value)
{
	unsigned long n;

	if (!parse_uint(value, BLE_ATT_MTU_MAX, &n) || n < BLE_ATT_MTU_MIN) {
		return "23..517 bytes";
	}
	cfg->link.att_mtu = (uint16_t)n;
	return NULL;
}

static const char *set_event_len(struct ble_sim_cfg *cfg, const char *value)
{
	return parse_ms(value, 4000, &cfg->link.event_len_us) ? NULL : "0..4000 ms";
}

static const char *set_max_pairs(struct ble_sim_cfg *cfg, const char *value)
{
	unsigned long n;

	if (!parse_uint(value, UINT16_MAX, &n)) {
		return "0..65535";
	}
	cfg->link.max_pairs_per_event = (uint16_t)n;
	return NULL;
}

static const char *set_margin(struct ble_sim_cfg *cfg, const char *value)
{
	return parse_onoff(value, &cfg->link.event_margin) ? NULL : "on or off";
}

static const char *set_event_overhead(struct ble_sim_cfg *cfg, const char *value)
{
	return parse_ms(value, 10, &cfg->link.event_overhead_us) ? NULL : "0..10 ms";
}

static const char *set_write_queue(struct ble_sim_cfg *cfg, const char *value)
{
	unsigned long n;

	if (!parse_uint(value, UINT16_MAX, &n)) {
		return "0..65535";
	}
	cfg->link.central_tx_frames = (uint16_t)n;
	return NULL;
}

static const char *set_turnaround(struct ble_sim_cfg *cfg, const char *value)
{
	unsigned long n;

	if (!parse_uint(value, 100, &n)) {
		return "0..100 events";
	}
	cfg->turnaround_events = (uint8_t)n;
	return NULL;
}

static const char *set_reassembly(struct ble_sim_cfg *cfg, const char *value)
{
	return parse_onoff(value, &cfg->reassembly) ? NULL : "on or off";
}

static const char *set_update_delay(struct ble_sim_cfg *cfg, const char *value)
{
	return parse_ms(value, 60000, &cfg->link.update_delay_us) ? NULL : "0..60000 ms";
}

static const char *set_encrypted(struct ble_sim_cfg *cfg, const char *value)
{
	return parse_onoff(value, &cfg->link.encrypted) ? NULL : "on or off";
}

static const char *set_secure_after(struct ble_sim_cfg *cfg, const char *value)
{
	return parse_ms(value, 60000, &cfg->link.secure_after_us) ? NULL : "0..60000 ms";
}

static const char *set_tx_frames(struct ble_sim_cfg *cfg, const char *value)
{
	unsigned long n;

	if (!parse_uint(value, UINT16_MAX, &n)) {
		return "0..65535";
	}
	cfg->link.periph_tx_frames = (uint16_t)n;
	return NULL;
}

static const char *set_part(struct ble_sim_cfg *cfg, const char *value)
{
	return flash_timing_by_name(value, &cfg->dev.flash) == 0 ? NULL :
								    "none, nrf52840 or nrf5340";
}

static const char *set_sharing(struct ble_sim_cfg *cfg, const char *value)
{
	if (strcmp(value, "auto") == 0) {
		cfg->sharing = BLE_SHARING_AUTO;
	} else if (strcmp(value, "parallel") == 0) {
		cfg->sharing = BLE_SHARING_PARALLEL;
	} else if (strcmp(value, "timeslot") == 0) {
		cfg->sharing = BLE_SHARING_TIMESLOT;
	} else {
		return "auto, parallel or timeslot";
	}
	return NULL;
}

static const char *set_erase(struct ble_sim_cfg *cfg, const char *value)
{
	if (strcmp(value, "ahead") == 0) {
		cfg->dev.erase_mode = FLASH_ERASE_AHEAD;
	} else if (strcmp(value, "page") == 0) {
		cfg->dev.erase_mode = FLASH_ERASE_EVERY_PAGE;
	} else {
		return "ahead or page";
	}
	return NULL;
}

static const char *set_partial_erase(struct ble_sim_cfg *cfg, const char *value)
{
	uint32_t us;

	/* Zephyr allows 2 ms up to half a page erase (nRF52840: 42 ms). */
	if (!parse_ms(value, 42, &us) || (us != 0 && us < 2000)) {
		return "0 (off) or 2..42 ms";
	}
	cfg->dev.partial_erase_us = us;
	return NULL;
}

static const char *set_slot1(struct ble_sim_cfg *cfg, const char *value)
{
	if (strcmp(value, "erased") == 0) {
		cfg->dev.slot1_dirty = false;
	} else if (strcmp(value, "dirty") == 0) {
		cfg->dev.slot1_dirty = true;
	} else {
		return "erased or dirty";
	}
	return NULL;
}

static const char *set_transfer_events(struct ble_sim_cfg *cfg, const char *value)
{
	return parse_onoff(value, &cfg->transfer_events) ? NULL : "on or off";
}

static const char *set_reconnect(struct ble_sim_cfg *cfg, const char *value)
{
	return parse_ms(value, 60000, &cfg->reconnect_us) ? NULL : "0..60000 ms";
}

static const char *set_central(struct ble_sim_cfg *cfg, const char *value)
{
	const struct ble_central_profile *p = ble_central_find(value);

	if (p == NULL) {
		return "dk, android-high, android-balanced, ios or bluez";
	}
	ble_sim_cfg_apply_central(cfg, p);
	return NULL;
}

struct setting {
	const char *key;
	setter_fn set;
};

/* In the order of ble_sim_cfg_help; a key's index is its bit in cfg->given. */
static const struct setting settings[] = {
	{ "central", set_central },
	{ "interval", set_interval },
	{ "latency", set_latency },
	{ "timeout", set_timeout },
	{ "phy", set_phy },
	{ "dl", set_dl },
	{ "mtu", set_mtu },
	{ "event-len", set_event_len },
	{ "max-pairs", set_max_pairs },
	{ "margin", set_margin },
	{ "event-overhead", set_event_overhead },
	{ "write-queue", set_write_queue },
	{ "turnaround", set_turnaround },
	{ "reassembly", set_reassembly },
	{ "update-delay", set_update_delay },
	{ "encrypted", set_encrypted },
	{ "secure-after", set_secure_after },
	{ "tx-frames", set_tx_frames },
	{ "part", set_part },
	{ "flash", set_part },
	{ "sharing", set_sharing },
	{ "erase", set_erase },
	{ "partial-erase", set_partial_erase },
	{ "slot1", set_slot1 },
	{ "transfer-events", set_transfer_events },
	{ "reconnect", set_reconnect },
};

const char ble_sim_cfg_help[] =
	"  central=NAME       the central's profile, setting interval, max-pairs, write-queue,\n"
	"                     turnaround, mtu, dl and phy unless given (default dk):\n"
	"                       dk                a development kit: 7.5 ms, no PDU cap\n"
	"                       android-high      Android, high priority: 15 ms, 4 PDUs/event\n"
	"                       android-balanced  Android default: 45 ms, 4 PDUs/event\n"
	"                       ios               iOS: 15 ms, 7 PDUs/event, MTU 185\n"
	"                       bluez             Linux desktop: 50 ms, no PDU cap\n"
	"  interval=MS        connection interval, 7.5..4000 in 1.25 steps\n"
	"  latency=N          peripheral latency in events, 0..499 (default 0)\n"
	"  timeout=MS         supervision timeout (default 4000)\n"
	"  phy=1m|2m|coded|coded-s2   LE Coded is S=8 (125 kbit/s) or S=2 (500 kbit/s)\n"
	"  dl=N               LL data length, 27..251\n"
	"  mtu=N              ATT MTU, 23..517\n"
	"  event-len=MS       air time per connection event, 0 = the whole interval (default 0)\n"
	"  max-pairs=N        PDU pairs the central sends per event, 0 = as many as fit\n"
	"  margin=on|off      end an event once a pair of longest PDUs would not fit (default on)\n"
	"  event-overhead=MS  with the margin, time an event also keeps free (default 0.845)\n"
	"  write-queue=N      ATT writes the central's controller takes per event, 0 = no limit\n"
	"  turnaround=N       a write answering a notification goes N events later, 0 = at once\n"
	"  reassembly=on|off  SMP packets span several writes (default on; off: one per write)\n"
	"  update-delay=MS    central's delay to apply a parameter update (default 50)\n"
	"  encrypted=on|off   4-byte MIC per PDU once secured (default off)\n"
	"  secure-after=MS    link secured this long after connecting (default 0)\n"
	"  tx-frames=N        notifications the device can queue, 0 = no limit (default 0)\n"
	"  part=none|nrf52840|nrf5340   flash timing and, with it, how flash and radio share\n"
	"                     time (also flash=...; default none: untimed)\n"
	"  sharing=auto|parallel|timeslot   flash slots take the radio (timeslot, nRF52) or not\n"
	"                     (parallel, nRF5340's radio core); auto: as the part does\n"
	"  erase=ahead|page   ahead: the device's own erases (smpdfu: blank pages skipped);\n"
	"                     page: Zephyr's stream writer, every page reached is erased\n"
	"  partial-erase=MS   erase in partial steps of MS (2..42), 0 = whole pages (default)\n"
	"  slot1=erased|dirty secondary slot before the upload (default erased)\n"
	"  transfer-events=on|off   uploads over BLE signal ble_smp_transfer_event (default on)\n"
	"  reconnect=MS       from a device reboot to the reconnection (default 500)\n";

static int bad(const char *key, const char *value, const char *want)
{
	fprintf(stderr, "ble model: %s=%s: %s\n", key, value, want);
	return -EINVAL;
}

/* The bit that marks a setting as given; "flash" and "part" are one setting. */
static uint32_t given_bit(const char *key)
{
	if (strcmp(key, "flash") == 0) {
		key = "part";
	}
	for (size_t i = 0; i < ARRAY_SIZE(settings); i++) {
		if (strcmp(settings[i].key, key) == 0) {
			return 1u << i;
		}
	}
	return 0;
}

void ble_sim_cfg_apply_central(struct ble_sim_cfg *cfg, const struct ble_central_profile *p)
{
	struct ble_link_cfg *l = &cfg->link;
	uint32_t g = cfg->given;

	cfg->central = p->name;
	l->central_interval_min_us = p->interval_min_us;
	l->central_interval_max_us = p->interval_max_us;
	if ((g & given_bit("interval")) == 0) {
		l->conn.interval_us = p->interval_us;
	}
	if ((g & given_bit("max-pairs")) == 0) {
		l->max_pairs_per_event = p->max_pairs;
	}
	if ((g & given_bit("write-queue")) == 0) {
		l->central_tx_frames = p->write_queue;
	}
	if ((g & given_bit("turnaround")) == 0) {
		cfg->turnaround_events = p->turnaround_events;
	}
	if ((g & given_bit("mtu")) == 0) {
		l->att_mtu = p->att_mtu;
	}
	if ((g & given_bit("dl")) == 0) {
		l->data_len = p->data_len;
	}
	if ((g & given_bit("phy")) == 0) {
		l->phy = p->phy;
	}
}

int ble_sim_cfg_set(struct ble_sim_cfg *cfg, const char *key, const char *value)
{
	for (size_t i = 0; i < ARRAY_SIZE(settings); i++) {
		const char *want;

		if (strcmp(settings[i].key, key) != 0) {
			continue;
		}
		want = settings[i].set(cfg, value);
		if (want != NULL) {
			return bad(key, value, want);
		}
		cfg->given |= given_bit(key);
		return 0;
	}
	fprintf(stderr, "ble model: unknown setting '%s'; the settings are:\n%s", key,
		ble_sim_cfg_help);
	return -EINVAL;
}

int ble_sim_cfg_parse_list(struct ble_sim_cfg *cfg, const char *list)
{
	char item[128];
	const char *p = list;

	while (*p != '\0') {
		size_t len = strcspn(p, ",");
		char *eq;
		int rc;

		if (len >= sizeof(item)) {
			fprintf(stderr, "ble model: setting too long: %.*s\n", (int)len, p);
			return -EINVAL;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		p += len + (p[len] == ',' ? 1 : 0);
		if (len == 0) {
			continue;
		}
		eq = strchr(item, '=');
		if (eq == NULL) {
			fprintf(stderr, "ble model: '%s' is not key=value\n", item);
			return -EINVAL;
		}
		*eq = '\0';
		rc = ble_sim_cfg_set(cfg, item, eq + 1);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

static const char *sharing_name(const struct ble_sim_cfg *cfg)
{
	if (cfg->dev.flash == NULL) {
		return "none";
	}
	return ble_sim_flash_takes_radio(cfg) ? "timeslot" : "parallel";
}

void ble_sim_cfg_describe(const struct ble_sim_cfg *cfg, char *buf, size_t size)
{
	const struct ble_link_cfg *l = &cfg->link;

	snprintf(buf, size,
		 "central %s, interval %.2f ms, latency %u, timeout %u ms, PHY %s, data length %u, "
		 "ATT MTU %u, event length %.2f ms, max pairs/event %u, margin %s (+%.3f ms), "
		 "write queue %u, turnaround %u events, reassembly %s, encrypted %s, flash %s, "
		 "sharing %s, erase %s, partial erase %.1f ms, slot 1 %s, transfer events %s",
		 cfg->central != NULL ? cfg->central : "custom", l->conn.interval_us / 1000.0,
		 (unsigned int)l->conn.latency, (unsigned int)l->conn.timeout_ms,
		 ble_phy_name(l->phy), (unsigned int)l->data_len, (unsigned int)l->att_mtu,
		 (l->event_len_us != 0 && l->event_len_us < l->conn.interval_us ? l->event_len_us :
									      l->conn.interval_us) /
			 1000.0,
		 (unsigned int)l->max_pairs_per_event, l->event_margin ? "on" : "off",
		 l->event_overhead_us / 1000.0,
		 (unsigned int)l->central_tx_frames, (unsigned int)cfg->turnaround_events,
		 cfg->reassembly ? "on" : "off", l->encrypted ? "yes" : "no",
		 cfg->dev.flash != NULL ? cfg->dev.flash->name : "untimed", sharing_name(cfg),
		 cfg->dev.erase_mode == FLASH_ERASE_EVERY_PAGE ? "page" : "ahead",
		 cfg->dev.partial_erase_us / 1000.0, cfg->dev.slot1_dirty ? "dirty" : "erased",
		 cfg->transfer_events ? "on" : "off");
}
