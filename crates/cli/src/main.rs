//! The `tamis` binary: everything is in the library (`src/lib.rs`), which the
//! Python package's `tamis` command calls too.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(tamis::main(std::env::args_os()))
}
