// Memory hints the Swift standard library has no spelling for. Header only: nothing to link.
#include <stddef.h>
#include <limits.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

/// Asks the processor to start loading the cache line at `address` for reading; no effect on the result.
static inline void medsave_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

/// The same, for a line about to be written.
static inline void medsave_prefetch_write(const void *address) { __builtin_prefetch(address, 1, 3); }

/// Keeps the memory the program frees for reuse for the rest of the run (glibc; elsewhere nothing): one arena for
/// all threads, no block given a mapping of its own, and the heap's free top never returned. By default glibc maps
/// each large block (over 32 MiB at most) on its own and unmaps it when freed, and a thread's own arena cannot
/// hold a block over 64 MiB: a national file's steps each make lists of tens to hundreds of megabytes and let
/// the previous step's go, so every list lands in memory never touched, which the kernel must fault in and
/// clear page by page (on a virtual machine that hands freed memory back to its host, about as dear as the
/// step's own work). Call once, before any thread starts.
static inline void medsave_keep_freed_memory(void) {
#if defined(__GLIBC__)
    mallopt(M_ARENA_MAX, 1);
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, INT_MAX);
#endif
}

/// Gives the memory freed so far back to the system (glibc's malloc_trim: every whole free page of the heap,
/// not only its top; elsewhere nothing), for a run that holds a growing table from step to step, where what
/// `medsave_keep_freed_memory` keeps would otherwise add up to more than the steps need.
static inline void medsave_release_freed_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

/// The bytes the program's heap holds for blocks in use, and the bytes it holds free for reuse (glibc's mallinfo2;
/// elsewhere −1): what `MemoryTrace` shows beside the resident memory, to tell live lists from kept-free memory.
static inline void medsave_heap_bytes(long long *inUse, long long *free) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
    struct mallinfo2 info = mallinfo2();
    *inUse = (long long)(info.uordblks + info.hblkhd);
    *free = (long long)info.fordblks;
#else
    *inUse = -1;
    *free = -1;
#endif
}
