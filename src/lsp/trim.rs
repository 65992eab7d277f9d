//! Gives the memory freed after a large transient (opening a big file, formatting it,
//! indexing the workspace) back to the system. glibc keeps what is freed in its heaps for
//! reuse, so that without this the server stays at the size of its largest request for the
//! rest of the session. Not on the typing path: a trim walks the heaps (about a millisecond
//! per 10 MB).

#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn release_freed() {
    extern "C" {
        fn malloc_trim(pad: usize) -> std::os::raw::c_int;
    }
    // SAFETY: glibc's malloc_trim only returns free pages of its own heaps to the kernel; it
    // takes each arena's lock, so it is safe while other threads allocate.
    unsafe {
        malloc_trim(0);
    }
}

/// Other allocators (musl, macOS, Windows) return large blocks on their own.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn release_freed() {}

/// One heap for every thread, and large blocks mapped on their own. glibc gives each thread that allocates a heap (an arena) of its
/// own, which keeps what that thread freed for its own reuse: the server's few threads (stdin
/// reader, writer) would each hold pages that the runtime thread, where the work is, cannot use.
/// Called before any thread is started.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn one_heap() {
    extern "C" {
        fn mallopt(param: std::os::raw::c_int, value: std::os::raw::c_int) -> std::os::raw::c_int;
    }
    const M_ARENA_MAX: std::os::raw::c_int = -8;
    const M_MMAP_THRESHOLD: std::os::raw::c_int = -3;
    // SAFETY: mallopt only sets a tunable of glibc's allocator.
    unsafe {
        mallopt(M_ARENA_MAX, 1);
        // Blocks of 256 KiB and more are mapped on their own, always: freed, their pages go
        // back at once, and shrunk, they give back their tail in place (`DocState::from_string`
        // hands a large text to the rope this way). glibc would otherwise raise the threshold
        // after the first large free and serve the next large blocks from the heap.
        mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn one_heap() {}
