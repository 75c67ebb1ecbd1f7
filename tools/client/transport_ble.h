/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the ble-model transport offers beyond transport_ble_open(): smpdfu-blesim builds its own
 * simulation (to read its counters afterwards) and runs the client's SMP layer and upload engine
 * over it through the same transport.
 */
#ifndef SMPDFU_CLIENT_TRANSPORT_BLE_H
#define SMPDFU_CLIENT_TRANSPORT_BLE_H

#include <stdbool.h>

#include "ble_sim.h"
#include "transport.h"

/*
 * Makes *t a transport over the open simulation sim, with the simulation's virtual clock. With
 * owned, closing the transport closes and frees sim (which must come from malloc). Returns 0 or
 * -ENOMEM.
 */
int transport_ble_attach(struct ble_sim *sim, bool owned, struct transport *t);

/* Fills the application hooks of cfg when the build has the application modules. */
void transport_ble_app_hooks(struct ble_sim_cfg *cfg);

#endif /* SMPDFU_CLIENT_TRANSPORT_BLE_H */
