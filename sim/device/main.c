/* SPDX-License-Identifier: Apache-2.0 */
/*
 * smpdfu-sim: the simulated device. Start-up as on a board (flash, flash map, the bootloader, SMP
 * server and groups, transport), then the main loop; a reboot re-executes the process so every
 * static state starts over while the flash file carries over.
 */
#define _GNU_SOURCE /* prctl */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <smpdfu/app_event_manager.h>
#include <smpdfu/boot.h>
#include <smpdfu/bootloader.h>
#include <smpdfu/config.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/port.h>
#include <smpdfu/smp.h>
#include <smpdfu/timer.h>

#include "app.h"
#include "event_loop.h"
#include "port_posix.h"
#include "sim_ble_link.h"
#include "sim_board.h"
#include "sim_config_channel.h"
#include "sim_factory.h"
#include "sim_identity.h"
#include "serial_pty.h"
#include "sim_options.h"
#include "udp_transport.h"
#include "log.h"

#define LOG_MODULE "main"
#define LOG_LEVEL CONFIG_LOG_DEFAULT_LEVEL

/* Exit status when the bootloader finds nothing valid to boot, or meets a flash error. */
#define SIM_BOOT_FAILED_EXIT_STATUS 3

/* Static, as a device's would be; the restart command line points into opt and restart. */
static struct sim_options opt;
static struct sim_board board;
static struct udp_transport udp;
static struct serial_pty pty;
static struct sim_config_channel config_channel = { .listen_fd = -1 };
static struct sim_restart_argv restart;

/* Tests and scripts wait for these lines on stdout before they talk to the device. */
static void announce(void)
{
	char name[64];

	if (config_channel.listen_fd >= 0) {
		printf("smpdfu-sim: config channel on unix %s\n", config_channel.path);
	}
	for (size_t i = 0; i < udp.fd_count; i++) {
		if (udp_transport_local_name(&udp, i, name, sizeof(name)) == 0) {
			printf("smpdfu-sim: listening on udp %s\n", name);
		}
	}
	if (pty.is_open) {
		printf("smpdfu-sim: listening on serial %s\n", pty.path);
	}
	fflush(stdout);
}

/* Only returns when exec fails. */
static void reboot(const char *argv0)
{
	sim_options_restart_argv(&opt, argv0, udp.port, &restart);
	udp_transport_close(&udp);
	serial_pty_close(&pty, false); /* the restarted device points the link at its terminal */
	sim_config_channel_close(&config_channel, false); /* the restarted one binds it again */
	sim_board_close(&board);
	fflush(NULL);
	execv("/proc/self/exe", restart.argv);
	LOG_ERR("restart failed: %s", strerror(errno));
}

/*
 * The bootloader runs first at every start, as on a board. With no valid image to boot, nothing
 * runs: the device says so and stops, unless --recovery asks it to serve SMP anyway (like
 * MCUboot's serial recovery), so an empty or broken device can be loaded over the air. Returns 0
 * or -errno.
 */
static int run_bootloader(void)
{
	struct smpdfu_boot_rsp rsp;
	int rc = smpdfu_boot_go(&rsp);

	if (rc == -ENOENT && opt.recovery) {
		printf("smpdfu-sim: bootloader: no valid image to boot; running the recovery SMP "
		       "server\n");
		fflush(stdout);
		smpdfu_boot_set_running_slot(0);
		return 0;
	}
	if (rc == -ENOENT) {
		printf("smpdfu-sim: bootloader: no valid image to boot; stopping "
		       "(use --recovery to serve SMP anyway)\n");
		fflush(stdout);
		return rc;
	}
	if (rc < 0) {
		printf("smpdfu-sim: bootloader: failed (%d), nothing can run\n", rc);
		fflush(stdout);
		return rc;
	}
	smpdfu_boot_set_running_slot(rsp.slot);
	return 0;
}

/* The board as it is at power-on: its flash, what the factory programmer wrote, the power cut. */
static int open_board(void)
{
	int rc = sim_board_open(&board, opt.flash_path);

	if (rc < 0) {
		return rc;
	}
	if (opt.load_slot0 != NULL) {
		rc = sim_factory_program_slot0(opt.load_slot0);
		if (rc < 0) {
			sim_board_close(&board);
			return rc;
		}
	}
	/* Armed after factory programming: the cut counts the device's own operations only, the
	 * bootloader's included. */
	if (opt.cut_mode != FLASH_SIM_CUT_NONE) {
		sim_board_arm_power_cut(&board, opt.cut_mode, opt.cut_after);
	}
	return 0;
}

/* What the application starts: the SMP server, its groups and the transport. */
static int start_application(void)
{
	int rc;

	smpdfu_smp_server_init();
	/* A group that is off is not registered, and so not linked: its commands answer rc 8. */
	if (CONFIG_MCUMGR_GRP_OS) {
		smpdfu_os_mgmt_register(sim_identity());
	}
	if (CONFIG_MCUMGR_GRP_IMG) {
		smpdfu_img_mgmt_register();
	}

	rc = udp_transport_open(&udp, opt.binds, opt.bind_count, opt.port);
	/* Console text on the terminal, as a board prints at boot: clients must skip it. */
	if (rc == 0 && opt.serial) {
		rc = serial_pty_open(&pty, opt.serial_link, "smpdfu-sim: serial console ready\r\n");
		if (rc < 0) {
			udp_transport_close(&udp);
		}
	}
	if (rc < 0) {
		sim_board_close(&board);
	}
	return rc;
}

/*
 * The config-channel DFU's socket: --config-channel, or FLASH.cc.sock next to the flash file. A
 * default path too long for a socket only costs the config channel (with a warning); a given one
 * must work. Returns 0 or -errno.
 */
static int open_config_channel(void)
{
	char path[SIM_CC_PATH_MAX + 2];
	int rc;

	if (opt.config_channel != NULL) {
		rc = sim_config_channel_open(&config_channel, opt.config_channel);
		if (rc < 0) {
			LOG_ERR("config channel %s: %s", opt.config_channel, strerror(-rc));
		}
		return rc;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s.cc.sock", opt.flash_path) > SIM_CC_PATH_MAX) {
		LOG_WRN("no config channel: the default path next to the flash file is too "
			"long for a socket; give one with --config-channel");
		return 0;
	}
	rc = sim_config_channel_open(&config_channel, path);
	if (rc < 0) {
		LOG_WRN("no config channel on %s: %s", path, strerror(-rc));
	}
	return 0;
}

/*
 * The application modules (app/) on top of the device: the virtual Bluetooth LE link and the
 * config channel they use, then main READY. What the modules do on it (confirm the image, register
 * their MCUmgr hooks, claim the DFU lock for the boot erase) and what is due at once runs before
 * the device announces itself, as a board's start-up comes before its first connection.
 */
static int start_modules(void)
{
	int rc;

	if (CONFIG_CAF_BLE_STATE) {
		sim_ble_link_install();
	}
	if (CONFIG_DESKTOP_CONFIG_CHANNEL_DFU_ENABLE) {
		rc = open_config_channel();
		if (rc < 0) {
			return rc;
		}
	}
	rc = smpdfu_app_start();
	if (rc == -ENOTSUP) {
		return 0; /* no event manager in this build: no modules */
	}
	if (rc < 0) {
		LOG_ERR("cannot start the application (%d)", rc);
		return rc;
	}
	smpdfu_app_event_manager_process();
	smpdfu_sys_timers_process();
	if (smpdfu_app_event_manager_has_pending()) {
		smpdfu_app_event_manager_process();
	}
	return 0;
}

int main(int argc, char **argv)
{
	int rc = sim_options_parse(&opt, argc, argv);

	if (rc != 0) {
		return rc > 0 ? 0 : 2;
	}
	posix_log_set_level(opt.log_level);
	/* After a reboot the process runs as /proc/self/exe; keep its name findable in ps. */
	prctl(PR_SET_NAME, "smpdfu-sim", 0, 0, 0);
	if (event_loop_init_signals() < 0) {
		return 1;
	}

	LOG_INF("smpdfu-sim %s: buf_size %d, buf_count %d, slot size 0x%x, flash %s", sim_version(),
		CONFIG_MCUMGR_TRANSPORT_NETBUF_SIZE, CONFIG_MCUMGR_TRANSPORT_NETBUF_COUNT,
		(unsigned int)CONFIG_SIM_SLOT_SIZE, opt.flash_path);
	if (open_board() < 0) {
		return 1;
	}
	if (run_bootloader() < 0) {
		sim_board_close(&board);
		return SIM_BOOT_FAILED_EXIT_STATUS;
	}
	if (start_application() < 0) {
		return 1;
	}
	if (start_modules() < 0) {
		sim_config_channel_close(&config_channel, true);
		udp_transport_close(&udp);
		serial_pty_close(&pty, true);
		sim_board_close(&board);
		return 1;
	}
	announce();
	event_loop_set_config_channel(config_channel.listen_fd >= 0 ? &config_channel : NULL);

	rc = event_loop_run(&udp, pty.is_open ? &pty : NULL);
	if (rc == EVENT_LOOP_REBOOT) {
		LOG_INF("rebooting");
		reboot(argv[0]);
		return 1;
	}
	udp_transport_close(&udp);
	serial_pty_close(&pty, true);
	sim_config_channel_close(&config_channel, true);
	sim_board_close(&board);
	return rc < 0 ? 1 : 0;
}
