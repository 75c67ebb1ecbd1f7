/*
 * Settings of the BLE simulation from text. Times are given in milliseconds (decimals allowed, as
 * in "7.5") and kept in microseconds; anything out of range is refused here with the reason, before
 * the model sees it.
 */
#include "ble_sim_opts.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char ble_sim_cfg_help[] =
	"  interval=MS        connection interval, 7.5..4000 in 1.25 steps (default 7.5)\n"
	"  latency=N          peripheral latency in events, 0..499 (default 0)\n"
	"  timeout=MS         supervision timeout (default 4000)\n"
	"  phy=1m|2m          (default 2m)\n"
	"  dl=N               LL data length, 27..251 (default 251)\n"
	"  mtu=N              ATT MTU, 23..517 (default 498)\n"
	"  event-len=MS       air time per connection event, 0 = the whole interval (default 0)\n"
	"  max-pairs=N        central's cap on PDU pairs per event, 0 = none (default 0)\n"
	"  update-delay=MS    central's delay to apply a parameter update (default 50)\n"
	"  encrypted=on|off   4-byte MIC per PDU once secured (default off)\n"
	"  secure-after=MS    link secured this long after connecting (default 0)\n"
	"  tx-frames=N        notifications the device can queue, 0 = no limit (default 0)\n"
	"  flash=none|nrf52840|nrf5340   flash program/erase timing (default none)\n"
	"  slot1=erased|dirty secondary slot before the upload (default erased)\n"
	"  transfer-events=on|off   uploads over BLE signal ble_smp_transfer_event (default on)\n"
	"  reconnect=MS       from a device reboot to the reconnection (default 500)\n";

void ble_sim_cfg_defaults(struct ble_sim_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->link = (struct ble_link_cfg){
		.conn = { .interval_us = 7500, .latency = 0, .timeout_ms = 4000 },
		.phy = BLE_PHY_2M,
		.data_len = 251,
		.att_mtu = 498,
		.update_delay_us = 50000,
	};
	cfg->transfer_events = true;
	cfg->reconnect_us = 500000;
	cfg->dev.factory_image_size = 32 * 1024;
}

static int bad(const char *key, const char *value, const char *want)
{
	fprintf(stderr, "ble model: %s=%s: %s\n", key, value, want);
	return -EINVAL;
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

int ble_sim_cfg_set(struct ble_sim_cfg *cfg, const char *key, const char *value)
{
	struct ble_link_cfg *l = &cfg->link;
	unsigned long n;
	uint32_t us;

	if (strcmp(key, "interval") == 0) {
		if (!parse_ms(value, 4000, &us) || us < BLE_INTERVAL_MIN_US ||
		    us % BLE_INTERVAL_UNIT_US != 0) {
			return bad(key, value, "7.5..4000 ms in steps of 1.25 ms");
		}
		l->conn.interval_us = us;
	} else if (strcmp(key, "latency") == 0) {
		if (!parse_uint(value, BLE_LATENCY_MAX, &n)) {
			return bad(key, value, "0..499 events");
		}
		l->conn.latency = (uint16_t)n;
	} else if (strcmp(key, "timeout") == 0) {
		if (!parse_uint(value, BLE_TIMEOUT_MAX_MS, &n) || n < BLE_TIMEOUT_MIN_MS) {
			return bad(key, value, "100..32000 ms");
		}
		l->conn.timeout_ms = (uint32_t)n;
	} else if (strcmp(key, "phy") == 0) {
		if (strcmp(value, "1m") == 0 || strcmp(value, "1M") == 0) {
			l->phy = BLE_PHY_1M;
		} else if (strcmp(value, "2m") == 0 || strcmp(value, "2M") == 0) {
			l->phy = BLE_PHY_2M;
		} else {
			return bad(key, value, "1m or 2m");
		}
	} else if (strcmp(key, "dl") == 0) {
		if (!parse_uint(value, BLE_DATA_LEN_MAX, &n) || n < BLE_DATA_LEN_MIN) {
			return bad(key, value, "27..251 bytes");
		}
		l->data_len = (uint16_t)n;
	} else if (strcmp(key, "mtu") == 0) {
		if (!parse_uint(value, BLE_ATT_MTU_MAX, &n) || n < BLE_ATT_MTU_MIN) {
			return bad(key, value, "23..517 bytes");
		}
		l->att_mtu = (uint16_t)n;
	} else if (strcmp(key, "event-len") == 0) {
		if (!parse_ms(value, 4000, &us)) {
			return bad(key, value, "0..4000 ms");
		}
		l->event_len_us = us;
	} else if (strcmp(key, "max-pairs") == 0) {
		if (!parse_uint(value, UINT16_MAX, &n)) {
			return bad(key, value, "0..65535");
		}
		l->max_pairs_per_event = (uint16_t)n;
	} else if (strcmp(key, "update-delay") == 0) {
		if (!parse_ms(value, 60000, &us)) {
			return bad(key, value, "0..60000 ms");
		}
		l->update_delay_us = us;
	} else if (strcmp(key, "encrypted") == 0) {
		if (!parse_onoff(value, &l->encrypted)) {
			return bad(key, value, "on or off");
		}
	} else if (strcmp(key, "secure-after") == 0) {
		if (!parse_ms(value, 60000, &us)) {
			return bad(key, value, "0..60000 ms");
		}
		l->secure_after_us = us;
	} else if (strcmp(key, "tx-frames") == 0) {
		if (!parse_uint(value, UINT16_MAX, &n)) {
			return bad(key, value, "0..65535");
		}
		l->periph_tx_frames = (uint16_t)n;
	} else if (strcmp(key, "flash") == 0) {
		if (flash_timing_by_name(value, &cfg->dev.flash) < 0) {
			return bad(key, value, "none, nrf52840 or nrf5340");
		}
	} else if (strcmp(key, "slot1") == 0) {
		if (strcmp(value, "erased") == 0) {
			cfg->dev.slot1_dirty = false;
		} else if (strcmp(value, "dirty") == 0) {
			cfg->dev.slot1_dirty = true;
		} else {
			return bad(key, value, "erased or dirty");
		}
	} else if (strcmp(key, "transfer-events") == 0) {
		if (!parse_onoff(value, &cfg->transfer_events)) {
			return bad(key, value, "on or off");
		}
	} else if (strcmp(key, "reconnect") == 0) {
		if (!parse_ms(value, 60000, &us)) {
			return bad(key, value, "0..60000 ms");
		}
		cfg->reconnect_us = us;
	} else {
		fprintf(stderr, "ble model: unknown setting '%s'; the settings are:\n%s", key,
			ble_sim_cfg_help);
		return -EINVAL;
	}
	return 0;
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

void ble_sim_cfg_describe(const struct ble_sim_cfg *cfg, char *buf, size_t size)
{
	const struct ble_link_cfg *l = &cfg->link;

	snprintf(buf, size,
		 "interval %.2f ms, latency %u, timeout %u ms, PHY %s, data length %u, ATT MTU %u, "
		 "event length %.2f ms, max pairs/event %u, encrypted %s, flash %s, slot 1 %s, "
		 "transfer events %s",
		 l->conn.interval_us / 1000.0, (unsigned int)l->conn.latency,
		 (unsigned int)l->conn.timeout_ms, l->phy == BLE_PHY_2M ? "2M" : "1M",
		 (unsigned int)l->data_len, (unsigned int)l->att_mtu,
		 (l->event_len_us != 0 && l->event_len_us < l->conn.interval_us ? l->event_len_us :
									      l->conn.interval_us) /
			 1000.0,
		 (unsigned int)l->max_pairs_per_event, l->encrypted ? "yes" : "no",
		 cfg->dev.flash != NULL ? cfg->dev.flash->name : "untimed",
		 cfg->dev.slot1_dirty ? "dirty" : "erased", cfg->transfer_events ? "on" : "off");
}
