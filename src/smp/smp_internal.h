/* SPDX-License-Identifier: Apache-2.0 */
/* Private interfaces between the files of the SMP core. */
#ifndef SMP_INTERNAL_H
#define SMP_INTERNAL_H

void smpdfu_smp_buf_pool_init(void);
/*
 * The buffer of the answer being built (processing context, one at a time): it may take the last
 * one, which smpdfu_smp_buf_alloc() leaves for it until the answer holds a buffer.
 */
struct smp_buf *smpdfu_smp_buf_alloc_answer(void);
void smpdfu_smp_buf_free_answer(struct smp_buf *b);

#endif
