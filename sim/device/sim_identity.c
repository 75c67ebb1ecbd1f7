/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The simulated device's identity for OS info: our kernel and platform names, and the host's
 * machine type, since the simulated firmware really runs on it. The node name stays fixed (not the
 * host name) so that answers do not depend on the machine the tests run on.
 */
#define _POSIX_C_SOURCE 200809L

#include "sim_identity.h"

#include <stdbool.h>
#include <string.h>
#include <sys/utsname.h>

/* The version reported by OS info is the project version the build passes in. */
#ifndef SMPDFU_VERSION
#error "SMPDFU_VERSION comes from the build (sim/CMakeLists.txt)"
#endif

static struct utsname host;
static struct os_mgmt_identity identity = {
	.kernel_name = "smpdfu",
	.node_name = "smpdfu-sim",
	.release = SMPDFU_VERSION,
	.version = SMPDFU_VERSION,
	.machine = "x86_64",
	.processor = "x86_64",
	.platform = "smpdfu-sim",
	.os = "smpdfu",
};

const char *sim_version(void)
{
	return SMPDFU_VERSION;
}

const struct os_mgmt_identity *sim_identity(void)
{
	static bool filled;

	/* Keep the defaults above when uname() fails: OS info must still answer. */
	if (!filled && uname(&host) == 0) {
		identity.machine = host.machine;
		identity.processor = host.machine;
	}
	filled = true;
	return &identity;
}
