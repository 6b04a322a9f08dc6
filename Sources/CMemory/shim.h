// Memory hints the Swift standard library has no spelling for. Header only: nothing to link.
#include <stddef.h>

/// Asks the processor to start loading the cache line at `address` for reading; no effect on the result.
static inline void medsave_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/// The same, for a line about to be written.
static inline void medsave_prefetch_write(const void *address) { __builtin_prefetch(address, 1, 3); }
