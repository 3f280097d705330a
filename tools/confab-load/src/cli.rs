//! What both commands take and how both print: the server to load, and the report as a table
//! or JSON.

use serde::Serialize;

/// The server under load, and how to report on it.
#[derive(clap::Args, Debug)]
pub struct Target {
    /// The server, e.g. https://127.0.0.1:3000 (or ws://, wss://, http://).
    pub url: String,
    /// Accept any certificate (a self-signed server).
    #[arg(long, short = 'k')]
    pub insecure: bool,
    /// Process id of a server on this machine, to report its CPU and memory from /proc.
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

impl Target {
    /// Prints the report: as JSON if asked, else as `table` lays it out.
    pub fn print<R: Serialize>(&self, report: &R, table: impl FnOnce(&R) -> String) {
        if self.json {
            let json = serde_json::to_string_pretty(report).expect("reports serialise");
            println!("{json}");
        } else {
            print!("{}", table(report));
        }
    }
}
