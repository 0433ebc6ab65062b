use std::process::ExitCode;

fn main() -> ExitCode {
    frictionlog::cli::run()
}
