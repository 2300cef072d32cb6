//! `dep-ls`: the command-line entry point. All the work is in [`dep_ls::cli`].

fn main() {
    std::process::exit(dep_ls::cli::run())
}
