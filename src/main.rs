//! The `confab` binary: reads its settings and runs the server (see `confab --help`), or with
//! `confab check-config` prints the settings in effect and whether they are right.

use confab::server::config::file::{self, Invocation};
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    // Colours only on a terminal: not in the journal or a log file.
    let colours = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(colours)
        .with_env_filter(
            EnvFilter::try_from_default_env()
                // The TURN engine logs an error for every packet it cannot use; the gate drops
                // those before they reach it and reports them once a minute instead.
                .unwrap_or_else(|_| EnvFilter::new("info,turn::server=off")),
        )
        .init();
    let invocation = match file::parse(std::env::args_os()) {
        Ok(invocation) => invocation,
        Err(file::ConfigError::Flags(error)) => error.exit(),
        Err(error) => {
            eprintln!("confab: {error}");
            return ExitCode::FAILURE;
        }
    };
    match invocation {
        Invocation::CheckConfig { config, report } => {
            println!("{report}");
            let problems = config.problems();
            for problem in &problems {
                eprintln!("confab: {problem}");
            }
            if problems.is_empty() {
                println!("# the settings are fine");
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Invocation::Serve(config) => match confab::server::launch::run(*config).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("confab: {error}");
                ExitCode::FAILURE
            }
        },
    }
}
