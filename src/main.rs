//! The `mdbook-tdd` binary: the mdBook preprocessor and its command line.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    cli::init_logging(args.verbose);
    cli::run(args)
}

/// glibc's allocator spends a quarter of a large run in malloc and free
/// across threads; mimalloc does not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
