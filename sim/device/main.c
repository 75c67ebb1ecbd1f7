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

#include <smpdfu/boot.h>
#include <smpdfu/bootloader.h>
#include <smpdfu/config.h>
#include <smpdfu/grp/img_mgmt.h>
#include <smpdfu/grp/os_mgmt.h>
#include <smpdfu/port.h>
#include <smpdfu/smp.h>

#include "event_loop.h"
#include "port_posix.h"
#include "sim_board.h"
#include "sim_factory.h"
#include "sim_identity.h"
#include "sim_options.h"
#include "udp_transport.h"

#define LOG_MODULE "main"

/* Exit status when the bootloader meets a flash error: nothing may run. */
#define SIM_BOOT_FAILED_EXIT_STATUS 3

/* Static, as a device's would be; the restart command line points into opt and restart. */
static struct sim_options opt;
static struct sim_board board;
static struct udp_transport udp;
static struct sim_restart_argv restart;

/* Tests and scripts wait for these lines on stdout before they talk to the device. */
static void announce(void)
{
	char name[64];

	for (size_t i = 0; i < udp.fd_count; i++) {
		if (udp_transport_local_name(&udp, i, name, sizeof(name)) == 0) {
			printf("smpdfu-sim: listening on udp %s\n", name);
		}
	}
	fflush(stdout);
}

/* Only returns when exec fails. */
static void reboot(const char *argv0)
{
	sim_options_restart_argv(&opt, argv0, udp.port, &restart);
	udp_transport_close(&udp);
	sim_board_close(&board);
	fflush(NULL);
	execv("/proc/self/exe", restart.argv);
	LOG_ERR("restart failed: %s", strerror(errno));
}

/*
 * The bootloader runs first at every start, as on a board. With no valid image to boot the
 * device still serves SMP (like MCUboot's serial recovery), so an empty or broken device can be
 * loaded over the air; only a flash error stops it. Returns 0 or -errno.
 */
static int run_bootloader(void)
{
	struct boot_rsp rsp;
	int rc = boot_go(&rsp);

	if (rc == -ENOENT) {
		printf("smpdfu-sim: bootloader: no valid image to boot; running the recovery SMP "
		       "server\n");
		fflush(stdout);
		boot_set_running_slot(0);
		return 0;
	}
	if (rc < 0) {
		printf("smpdfu-sim: bootloader: failed (%d), nothing can run\n", rc);
		fflush(stdout);
		return rc;
	}
	boot_set_running_slot(rsp.slot);
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

	smp_server_init();
	os_mgmt_register(sim_identity());
	img_mgmt_register();

	rc = udp_transport_open(&udp, opt.binds, opt.bind_count, opt.port);
	if (rc < 0) {
		sim_board_close(&board);
	}
	return rc;
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
	announce();

	rc = event_loop_run(&udp);
	if (rc == EVENT_LOOP_REBOOT) {
		LOG_INF("rebooting");
		reboot(argv[0]);
		return 1;
	}
	udp_transport_close(&udp);
	sim_board_close(&board);
	return rc < 0 ? 1 : 0;
}
