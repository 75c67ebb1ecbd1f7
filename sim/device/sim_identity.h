/* SPDX-License-Identifier: Apache-2.0 */
/* What the simulated device says about itself: OS info answers and the start-up banner. */
#ifndef SIM_IDENTITY_H
#define SIM_IDENTITY_H

#include <smpdfu/grp/os_mgmt.h>

/* The firmware version the simulator reports. */
const char *sim_version(void);

/* The identity for smpdfu_os_mgmt_register(): static, filled from uname() on the first call. */
const struct os_mgmt_identity *sim_identity(void);

#endif /* SIM_IDENTITY_H */
