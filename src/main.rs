//! The `smout` binary: parses arguments, dispatches to a subcommand, maps the outcome to an exit
//! code (0 ok, 1 findings, 2 error). All the work is in the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
