//! `confab-media-load`: media through a server's forwarding unit, measured. See
//! [`confab_load::media`].

use clap::Parser;
use confab_load::cli::Target;
use confab_load::media::{MediaOptions, media_table, run_media};
use std::process::ExitCode;

/// Joins ROOMS × PEOPLE str0m peers to a Confab server started with `--media sfu`; each
/// publishes audio and video over UDP and receives everyone else's. Prints frames and megabits
/// forwarded per second, the time the server took to pass frames on, and (with --server-pid)
/// the server's CPU per forwarded frame and memory per participant.
#[derive(Parser, Debug)]
#[command(version, about, long_about = None)]
struct Args {
    #[command(flatten)]
    target: Target,
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
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let options = MediaOptions {
        url: args.target.url.clone(),
        insecure: args.target.insecure,
        rooms: args.rooms,
        people: usize::from(args.people),
        video_kbps: args.video_kbps,
        seconds: args.seconds,
        server_pid: args.target.server_pid,
    };
    match run_media(options).await {
        Ok(report) => {
            args.target.print(&report, media_table);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("confab-media-load: {error}");
            ExitCode::FAILURE
        }
    }
}
