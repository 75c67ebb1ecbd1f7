/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The SMP application firmware: SMP over the console UART with the image and OS groups, and, in
 * the nRF Desktop configuration, the application modules (dfu_mcumgr confirms this image once
 * main is READY). It says which version runs in its first console line and in OS info ("r"), so
 * an update can be seen to have happened. Everything runs polled in one loop: the UART, the SMP
 * queue, the timers and the application's events.
 */
#include <stdbool.h>

#include <smpdfu/app_event_manager.h>
#include <smpdfu/boot.h>
#include <smpdfu/config.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/image.h>
#include <smpdfu/port.h>
#include <smpdfu/smp.h>
#include <smpdfu/timer.h>
#include <smpdfu/transport/smp_serial.h>

#include "console.h"
#include "flash_layout.h"
#include "log.h"

#define LOG_MODULE "app"
#define LOG_LEVEL CONFIG_LOG_DEFAULT_LEVEL

/* smpdfu_app_start() lives with the modules; only the configurations that have them call it. */
int smpdfu_app_start(void);

static char running_version[SMPDFU_IMAGE_VERSION_STR_MAX] = "unknown";

static struct os_mgmt_identity identity = {
	.kernel_name = "smpdfu",
	.node_name = CONFIG_BOARD,
	.release = running_version,
	.version = "smpdfu-app",
	.machine = "arm",
	.processor = CONFIG_CPU_CORTEX_M0 ? "cortex-m0" : "cortex-m4",
	.platform = CONFIG_BOARD,
	.os = "smpdfu",
};

static struct smp_serial_transport console_smp;

static int console_smp_write(void *ctx, const uint8_t *line, size_t len)
{
	(void)ctx;
	console_write(line, len);
	return 0;
}

static void read_running_version(void)
{
	struct smpdfu_image_header hdr;

	if (smpdfu_image_read_header(smpdfu_flash_area_get(SMPDFU_FLASH_AREA_IMAGE_PRIMARY),
				     &hdr) == 0) {
		smpdfu_image_version_str(&hdr.ver, running_version);
	}
}

static void poll_once(void)
{
	uint8_t rx[32];
	size_t n = console_read(rx, sizeof(rx));

	if (n > 0) {
		smpdfu_smp_serial_transport_rx(&console_smp, rx, n);
	}
	while (smpdfu_smp_rx_process_one()) {
	}
	smpdfu_sys_timers_process();
	if (CONFIG_APP_EVENT_MANAGER && smpdfu_app_event_manager_has_pending()) {
		smpdfu_app_event_manager_process();
	}
}

int main(void)
{
	int rc;

	console_init();
	rc = flash_layout_init();
	if (rc < 0) {
		LOG_ERR("this part's flash is not the %s's (%d)", CONFIG_BOARD, rc);
		return rc; /* the start-up code resets */
	}
	read_running_version();
	LOG_INF("smpdfu-app %s on %s, %s", running_version, CONFIG_BOARD,
		smpdfu_boot_is_img_confirmed() ? "confirmed" : "not confirmed yet");

	smpdfu_smp_server_init();
	/* A group that is off is not registered, and so not linked: its commands answer rc 8. */
	if (CONFIG_MCUMGR_GRP_OS) {
		smpdfu_os_mgmt_register(&identity);
	}
	if (CONFIG_MCUMGR_GRP_IMG) {
		smpdfu_img_mgmt_register();
	}
	smpdfu_smp_serial_transport_init(&console_smp, console_smp_write, NULL);
	if (CONFIG_APP_EVENT_MANAGER) {
		rc = smpdfu_app_start();
		if (rc < 0) {
			LOG_ERR("cannot start the application modules (%d)", rc);
		}
	}
	for (;;) {
		poll_once();
	}
}
