/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The DFU lock: the current and the previous owner under the port's critical section. A claim of
 * the free lock by an owner other than the previous one is a hand-over, and the previous owner
 * hears of it through its callback once the lock has changed hands and the critical section is
 * left: the callback may log, take time and call the lock itself.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include <smpdfu/dfu_lock.h>
#include <smpdfu/port.h>

#include "log.h"

#define LOG_MODULE "dfu_lock"
#define LOG_LEVEL CONFIG_DESKTOP_DFU_LOCK_LOG_LEVEL

static const struct smpdfu_dfu_lock_owner *current_owner;
static const struct smpdfu_dfu_lock_owner *previous_owner;

static bool is_hand_over(const struct smpdfu_dfu_lock_owner *new_owner)
{
	return previous_owner != NULL && previous_owner != new_owner;
}

void smpdfu_dfu_lock_init(void)
{
	unsigned int key = smpdfu_port_critical_enter();

	current_owner = NULL;
	previous_owner = NULL;
	smpdfu_port_critical_exit(key);
}

int smpdfu_dfu_lock_claim(const struct smpdfu_dfu_lock_owner *owner)
{
	const struct smpdfu_dfu_lock_owner *from = NULL;
	const struct smpdfu_dfu_lock_owner *holder;
	unsigned int key;
	int rc = 0;

	PORT_ASSERT(owner != NULL);
	key = smpdfu_port_critical_enter();
	holder = current_owner;
	if (holder == NULL) {
		current_owner = owner;
		if (is_hand_over(owner)) {
			from = previous_owner;
		}
	} else if (holder != owner) {
		rc = -EPERM;
	}
	smpdfu_port_critical_exit(key);

	/*
	 * The lock is the new owner's already: a callback that claims it gets -EPERM, one that asks
	 * who owns it hears the truth, and interrupts are not held off while it runs.
	 */
	if (from != NULL && from->owner_changed != NULL) {
		from->owner_changed(owner);
	}
	if (rc < 0) {
		LOG_DBG("%s refused: held by %s", owner->name, holder->name);
	} else if (from != NULL) {
		LOG_INF("%s -> %s", from->name, owner->name);
	} else if (holder == NULL) {
		LOG_DBG("claimed by %s", owner->name);
	}
	return rc;
}

int smpdfu_dfu_lock_release(const struct smpdfu_dfu_lock_owner *owner)
{
	unsigned int key;
	int rc = 0;

	/* NULL would erase the previous owner, and with it the next hand-over's callback. */
	PORT_ASSERT(owner != NULL);
	key = smpdfu_port_critical_enter();
	if (current_owner == owner) {
		previous_owner = owner;
		current_owner = NULL;
	} else {
		rc = -EPERM;
	}
	smpdfu_port_critical_exit(key);

	if (rc < 0) {
		LOG_DBG("release by %s refused: not the owner", owner->name);
	} else {
		LOG_DBG("released by %s", owner->name);
	}
	return rc;
}

const struct smpdfu_dfu_lock_owner *smpdfu_dfu_lock_owner(void)
{
	return current_owner;
}
