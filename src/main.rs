//! `dep-ls`: the command-line entry point. All the work is in [`dep_ls::cli`].

// Parsing a workspace makes millions of small allocations (IDs, keys, values, spans);
// mimalloc serves them faster than the system allocator and returns memory as well.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(dep_ls::cli::run())
}
