/* SPDX-License-Identifier: Apache-2.0 */
/* Private interfaces between the files of the SMP core. */
#ifndef SMP_INTERNAL_H
#define SMP_INTERNAL_H

void smpdfu_smp_buf_pool_init(void);
/*
 * The buffer of the answer being built (processing context, one at a time): the pool's last one,
 * which smpdfu_smp_buf_alloc() never gives out. NULL while an answer already holds it.
 */
struct smp_buf *smpdfu_smp_buf_alloc_answer(void);
void smpdfu_smp_buf_free_answer(struct smp_buf *b);

#endif
