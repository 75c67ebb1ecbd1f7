/* SPDX-License-Identifier: Apache-2.0 */
/* Private interfaces between the files of the SMP core. */
#ifndef SMP_INTERNAL_H
#define SMP_INTERNAL_H

void smpdfu_smp_buf_pool_init(void);

#endif
