//! `confab-media-load`: media through a server's forwarding unit, measured. See
//! [`confab_load::media`].

use clap::Parser;
use confab_load::media::{MediaOptions, media_table, run_media};
use std::process::ExitCode;

/// Joins ROOMS × PEOPLE str0m peers to a Confab server started with `--media sfu`; each
/// publishes audio and video over UDP and receives everyone else's. Prints frames and megabits
/// forwarded per second, the time the server took to pass frames on, and (with --server-pid)
/// the server's CPU per forwarded frame and memory per participant.
#[derive(Parser, Debug)]
#[command(version, about, long_about = None)]
struct Args {
    /// The server, e.g. https://127.0.0.1:3460.
    url: String,
    /// Accept any certificate (a self-signed server).
    #[arg(long, short = 'k')]
    insecure: bool,
    /// Rooms to open.
    #[arg(long, default_value_t = 1)]
    rooms: usize,
    /// People in each room.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=100))]
    people: u16,
    /// Each person's video bitrate, kbit/s (30 frames a second).
    #[arg(long, default_value_t = 300)]
    video_kbps: u32,
    /// Seconds measured once everyone receives everyone.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
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
    let options = MediaOptions {
        url: args.url,
        insecure: args.insecure,
        rooms: args.rooms,
        people: usize::from(args.people),
        video_kbps: args.video_kbps,
        seconds: args.seconds,
        server_pid: args.server_pid,
    };
    match run_media(options).await {
        Ok(report) if args.json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&report).expect("reports serialise")
            );
            ExitCode::SUCCESS
        }
        Ok(report) => {
            print!("{}", media_table(&report));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("confab-media-load: {error}");
            ExitCode::FAILURE
        }
    }
}
