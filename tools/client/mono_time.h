/* A monotonic clock for deadlines and throughput, immune to wall-clock changes. */
#ifndef SMPDFU_CLIENT_MONO_TIME_H
#define SMPDFU_CLIENT_MONO_TIME_H

#include <stdint.h>

/* Milliseconds since an arbitrary fixed point. */
uint64_t mono_ms(void);
/* Seconds since an arbitrary fixed point, with sub-millisecond resolution. */
double mono_seconds(void);

#endif /* SMPDFU_CLIENT_MONO_TIME_H */
