/* SPDX-License-Identifier: Apache-2.0 */
/* Private interfaces between the files of the SMP core. */
#ifndef SMP_INTERNAL_H
#define SMP_INTERNAL_H

void smpdfu_smp_buf_pool_init(void);
/*
 * The buffer answers are built in, the pool's last one, which smpdfu_smp_buf_alloc() never gives
 * out; NULL while an answer holds it. Only the processing context takes it (and puts it back).
 */
extern struct smp_buf *smpdfu_smp_answer_buf;

#endif
