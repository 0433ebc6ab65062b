use std::process::ExitCode;

/// jemalloc rather than glibc's malloc: a build allocates and frees millions
/// of small strings and template values from two threads. On 10,000
/// incidents glibc's allocator took about a tenth of the CPU time, and the
/// build went from 0.69 s to 0.54 s with jemalloc (mimalloc was as fast but
/// peaked at 165 MiB against jemalloc's 124 MiB).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's settings, read once at start-up (the `_RJEM_MALLOC_CONF`
/// environment variable still overrides them).
/// - `dirty_decay_ms:100`: freed pages go back to the system after 100 ms
///   instead of 10 s. A build frees the file texts after validation and the
///   list pages once written; with the default the 100,000-incident build
///   peaked at 1.24 GiB against 0.95 GiB with this.
/// - Freed address space is kept for reuse (jemalloc's default on Linux)
///   rather than unmapped. Unmapping it (`retain:false`) cost 0.65 s of a
///   100,000-incident build in page faults and mmap calls, for no gain in
///   memory actually used: a 20 MB incident body peaks at 600 MiB resident
///   either way (tests/cli/hostile.rs checks the 1 GiB limit on that).
/// - No transparent huge pages (`thp:always`). They once cut a
///   10,000-incident build's page faults by two thirds and its time by
///   about 5%; since list entries are no longer all held they save nothing
///   measurable, and they made a running serve 12 MB larger, growing in
///   2 MB steps (tests/serve_load.rs failed its 10% growth check).
#[allow(non_upper_case_globals)]
#[unsafe(export_name = "_rjem_malloc_conf")]
pub static malloc_conf: &[u8; 19] = b"dirty_decay_ms:100\0";

fn main() -> ExitCode {
    frictionlog::cli::run()
}
