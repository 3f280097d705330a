//! `confab-load`: puts a Confab server under load and prints what it measured.
//! See the library, [`confab_load`].

use clap::Parser;
use confab_load::cli::Target;
use confab_load::run::{Options, run};
use std::process::ExitCode;

/// Opens ROOMS × PEERS signaling connections to a Confab server, negotiates every pair, relays
/// a steady stream of messages, and prints connections/s, messages/s, relay latency
/// percentiles, losses and errors, and (with --server-pid) the server's CPU and memory.
#[derive(Parser, Debug)]
#[command(version, about, long_about = None)]
struct Args {
    #[command(flatten)]
    target: Target,
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
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let options = Options {
        url: args.target.url.clone(),
        insecure: args.target.insecure,
        rooms: args.rooms,
        peers: usize::from(args.peers),
        rate: args.rate,
        seconds: args.seconds,
        payload: args.payload,
        concurrency: args.concurrency,
        server_pid: args.target.server_pid,
        progress: !args.target.json,
    };
    match run(options).await {
        Ok(report) => {
            args.target.print(&report, confab_load::report::table);
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
