/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One way back to power-on for all module state: what a reboot does to RAM, for the simulations
 * and tests that reboot a device inside one process. A firmware image gets the same from its C
 * start-up code and does not link this.
 */
#ifndef SMPDFU_STATE_RESET_H
#define SMPDFU_STATE_RESET_H

/*
 * Returns every module of the core that the configuration has to the state it has at power-on,
 * before main: no flash map, no group or hook registered, no timer armed, no upload, event or
 * lock. The application's smpdfu_app_state_reset() calls it first. Main context, nothing else
 * running.
 */
void smpdfu_state_reset(void);

#endif /* SMPDFU_STATE_RESET_H */
