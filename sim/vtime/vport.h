/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The port contract in virtual time, for programs that run a simulated device in-process (the BLE
 * and serial simulations, the client's ble-model transport): uptime comes from the simulation's
 * clock, never from the host's, so a run gives the same figures on any machine.
 */
#ifndef VPORT_H
#define VPORT_H

#include <stdbool.h>
#include <stdint.h>

#include <smpdfu/port.h>

/* The device's clock: the simulation sets it before it runs device code (µs). */
void vport_set_now_us(uint64_t us);
uint64_t vport_now_us(void);
/* The device's CPU was busy for us (a flash operation): its clock moves on. */
void vport_advance_us(uint64_t us);

/* True once smpdfu_port_reboot() was called; clears the request. */
bool vport_take_reboot(void);

/* Log lines above `level` are dropped (default PORT_LOG_ERR: a simulation is quiet). */
void vport_set_log_level(enum port_log_level level);

#endif /* VPORT_H */
