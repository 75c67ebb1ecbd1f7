/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The DFU lock: lets one DFU transport at a time (MCUmgr, the config channel) own the secondary
 * slot, and tells the previous owner when a different one takes over, so that it forgets its
 * partial upload. Advisory: it guards only code that claims it.
 */
#ifndef SMPDFU_DFU_LOCK_H
#define SMPDFU_DFU_LOCK_H

/* An owner: static storage, one per DFU transport. */
struct smpdfu_dfu_lock_owner {
	const char *name; /* for logs: "MCUmgr", "Config Channel" */
	/*
	 * Called when another owner claims the lock after this one released it, with the new owner;
	 * or NULL. Runs in the claimer's context once the new owner holds the lock, outside the
	 * lock's critical section: it may log and may call the lock (a claim is refused with
	 * -EPERM, the new owner holding it).
	 */
	void (*owner_changed)(const struct smpdfu_dfu_lock_owner *new_owner);
};

/* Frees the lock and forgets the previous owner (boot, a simulated reboot, the next test). */
void smpdfu_dfu_lock_init(void);

/*
 * Claims the lock for `owner`. Returns 0 when `owner` holds it afterwards (already holding it
 * changes nothing); -EPERM when another owner holds it (nothing changes, no callback). When the
 * lock was free and its previous owner is a different one, that owner's owner_changed(owner) is
 * called first. Any context.
 */
int smpdfu_dfu_lock_claim(const struct smpdfu_dfu_lock_owner *owner);

/*
 * Releases the lock held by `owner`, which becomes the previous owner. Returns 0, or -EPERM when
 * `owner` does not hold it (nothing changes). Any context.
 */
int smpdfu_dfu_lock_release(const struct smpdfu_dfu_lock_owner *owner);

/* The current owner, or NULL when the lock is free (for logs and tests). Any context. */
const struct smpdfu_dfu_lock_owner *smpdfu_dfu_lock_owner(void);

#endif /* SMPDFU_DFU_LOCK_H */
