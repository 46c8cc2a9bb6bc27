// Snappy (Debian's libsnappy-dev) through its C API, for remote write's block format.
#ifndef TOLLGATE_CSNAPPY_SHIM_H
#define TOLLGATE_CSNAPPY_SHIM_H
#include <snappy-c.h>
#endif
