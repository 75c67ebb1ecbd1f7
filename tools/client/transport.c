/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Picks a transport by the name given on the command line. Transports still being written are
 * listed with no open function, so their names parse today and say "not built yet".
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "transport.h"
#include "util.h"

struct transport_entry {
	const char *name;
	int (*open)(const struct transport_opts *opts, struct transport *t);
};

static const struct transport_entry transports[] = {
	{ "udp", transport_udp_open },
	{ "serial", transport_serial_open },
	{ "serial-model", transport_serial_model_open },
	{ "ble-model", transport_ble_open },
};

static const struct transport_entry *transport_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(transports); i++) {
		if (strcmp(transports[i].name, name) == 0) {
			return &transports[i];
		}
	}
	return NULL;
}

bool transport_name_is_known(const char *name)
{
	return transport_find(name) != NULL;
}

int transport_open(const struct transport_opts *opts, struct transport *t)
{
	const struct transport_entry *e = transport_find(opts->name);

	if (e == NULL) {
		return -ENOENT;
	}
	if (e->open == NULL) {
		return -ENOSYS;
	}
	memset(t, 0, sizeof(*t));
	return e->open(opts, t);
}

void transport_close(struct transport *t)
{
	if (t->ops != NULL) {
		t->ops->close(t->ctx);
	}
	t->ops = NULL;
	t->ctx = NULL;
}
