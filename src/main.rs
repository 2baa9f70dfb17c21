//! The `mdbook-tdd` binary: the mdBook preprocessor and its command line.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    cli::init_logging(args.verbose);
    // The main thread works in the thread pool rather than waiting for it:
    // one thread (and its allocator heap) fewer.
    if let Err(e) = rayon::ThreadPoolBuilder::new()
        .use_current_thread()
        .build_global()
    {
        log::debug!("thread pool: {e}");
    }
    cli::run(args)
}

/// glibc's allocator spends a quarter of a large run in malloc and free
/// across threads; mimalloc does not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
