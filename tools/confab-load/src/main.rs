//! `confab-load`: puts a Confab server under load and prints what it measured.
//! See the library, [`confab_load`].

use clap::Parser;
use confab_load::run::{Options, run};
use std::process::ExitCode;

/// Opens ROOMS × PEERS signaling connections to a Confab server, negotiates every pair, relays
/// a steady stream of messages, and prints connections/s, messages/s, relay latency
/// percentiles, losses and errors, and (with --server-pid) the server's CPU and memory.
#[derive(Parser, Debug)]
#[command(version, about, long_about = None)]
struct Args {
    /// The server, e.g. https://localhost:3000 (or ws://, wss://, http://).
    url: String,
    /// Accept any certificate (a self-signed server).
    #[arg(long, short = 'k')]
    insecure: bool,
    /// Rooms to open.
    #[arg(long, default_value_t = 10)]
    rooms: usize,
    /// Peers in each room.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32))]
    peers: u16,
    /// Relayed messages per second in total; 0 means as fast as the server takes them.
    #[arg(long, default_value_t = 1000.0)]
    rate: f64,
    /// Seconds of steady relaying.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Size of each steady message, in bytes.
    #[arg(long, default_value_t = 600)]
    payload: usize,
    /// Connections opened at once during the ramp-up.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Process id of a server on this machine, to report its CPU and memory from /proc.
    #[arg(long)]
    server_pid: Option<u32>,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let options = Options {
        url: args.url,
        insecure: args.insecure,
        rooms: args.rooms,
        peers: usize::from(args.peers),
        rate: args.rate,
        seconds: args.seconds,
        payload: args.payload,
        concurrency: args.concurrency,
        server_pid: args.server_pid,
        progress: !args.json,
    };
    match run(options).await {
        Ok(report) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).expect("reports serialise")
                );
            } else {
                print!("{}", confab_load::report::table(&report));
            }
            if report.lost + report.misrouted + report.out_of_order > 0 {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(error) => {
            eprintln!("confab-load: {error}");
            ExitCode::FAILURE
        }
    }
}
