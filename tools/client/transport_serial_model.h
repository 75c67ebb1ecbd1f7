/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the serial-model transport offers beyond transport_serial_model_open(): smpdfu-serialsim
 * builds its own simulation (to read its counters afterwards) and runs the client's SMP layer and
 * upload engine over it through the same transport.
 */
#ifndef SMPDFU_CLIENT_TRANSPORT_SERIAL_MODEL_H
#define SMPDFU_CLIENT_TRANSPORT_SERIAL_MODEL_H

#include <stdbool.h>

#include "serial_sim.h"
#include "transport.h"

/*
 * Makes *t a transport over the open simulation sim, with the simulation's virtual clock. With
 * owned, closing the transport closes and frees sim (which must come from malloc). Returns 0 or
 * -ENOMEM.
 */
int transport_serial_model_attach(struct serial_sim *sim, bool owned, struct transport *t);

#endif /* SMPDFU_CLIENT_TRANSPORT_SERIAL_MODEL_H */
