// zlib for Tollgate's Gzip module. Swift cannot call zlib's macro initialisers
// (inflateInit2 / deflateInit2 pass sizeof(z_stream)), so thin inline wrappers do.
#ifndef TOLLGATE_CZLIB_SHIM_H
#define TOLLGATE_CZLIB_SHIM_H
#include <zlib.h>

static inline int tollgate_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}

static inline int tollgate_deflateInit2(z_streamp strm, int level, int windowBits) {
    return deflateInit2(strm, level, Z_DEFLATED, windowBits, 8, Z_DEFAULT_STRATEGY);
}
#endif
