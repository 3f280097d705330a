//! The server's CPU time and memory, read from `/proc` when it runs on this machine.

/// One reading of a process.
#[derive(Clone, Copy, Debug)]
pub struct Reading {
    /// User plus system CPU time, in seconds.
    pub cpu_seconds: f64,
    /// Resident memory, in KiB.
    pub rss_kib: u64,
}

/// Reads a process by id.
#[derive(Clone, Copy, Debug)]
pub struct ServerSample(u32);

/// Clock ticks per second of `/proc/<pid>/stat` times (Linux's USER_HZ).
const TICKS_PER_SECOND: f64 = 100.0;

impl ServerSample {
    /// Reads process `pid`.
    pub fn new(pid: u32) -> Self {
        ServerSample(pid)
    }

    /// The process's CPU time and RSS now, if it can be read.
    pub fn take(&self) -> Option<Reading> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.0)).ok()?;
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.0)).ok()?;
        Some(Reading {
            cpu_seconds: parse_cpu(&stat)?,
            rss_kib: parse_rss(&status)?,
        })
    }
}

/// utime + stime (fields 14 and 15) of a `/proc/<pid>/stat` line, in seconds. The command name
/// (field 2) may contain spaces, so fields are counted after its closing parenthesis.
pub fn parse_cpu(stat: &str) -> Option<f64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / TICKS_PER_SECOND)
}

/// VmRSS of a `/proc/<pid>/status`, in KiB.
pub fn parse_rss(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
}

/// What the run cost the server.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct ServerUsage {
    /// RSS before the run, KiB.
    pub rss_before_kib: u64,
    /// RSS with every peer connected, KiB.
    pub rss_connected_kib: u64,
    /// Extra RSS per connected peer, KiB.
    pub rss_per_peer_kib: f64,
    /// CPU seconds during the ramp-up (TLS handshakes, joins) per connection, ms.
    pub cpu_ms_per_connection: f64,
    /// CPU seconds spent during the steady phase.
    pub cpu_seconds_steady: f64,
    /// Server CPU per relayed message, µs.
    pub cpu_us_per_message: f64,
}

impl ServerUsage {
    /// Combines the readings before the run, after the ramp-up, and around the steady phase.
    pub fn from_samples(
        before: Option<Reading>,
        connected: Option<Reading>,
        steady_start: Option<Reading>,
        steady_end: Option<Reading>,
        peers: usize,
        relayed: u64,
    ) -> Option<Self> {
        let (before, connected, start, end) = (before?, connected?, steady_start?, steady_end?);
        let steady = end.cpu_seconds - start.cpu_seconds;
        Some(ServerUsage {
            rss_before_kib: before.rss_kib,
            rss_connected_kib: connected.rss_kib,
            rss_per_peer_kib: connected.rss_kib.saturating_sub(before.rss_kib) as f64
                / peers.max(1) as f64,
            cpu_ms_per_connection: (connected.cpu_seconds - before.cpu_seconds) * 1000.0
                / peers.max(1) as f64,
            cpu_seconds_steady: steady,
            cpu_us_per_message: steady * 1e6 / relayed.max(1) as f64,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cpu_and_rss_from_proc_formats() {
        let stat = "4242 (con fab) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 9 0 123 0";
        assert_eq!(parse_cpu(stat), Some(3.0));
        let status = "Name:\tconfab\nVmPeak:\t  9000 kB\nVmRSS:\t   5120 kB\nThreads:\t9\n";
        assert_eq!(parse_rss(status), Some(5120));
        assert_eq!(parse_rss("Name: x\n"), None);
    }

    #[test]
    fn this_process_can_be_read() {
        let reading = ServerSample::new(std::process::id()).take().unwrap();
        assert!(reading.rss_kib > 0);
    }

    #[test]
    fn usage_divides_by_peers_and_messages() {
        let r = |cpu_seconds, rss_kib| {
            Some(Reading {
                cpu_seconds,
                rss_kib,
            })
        };
        let usage = ServerUsage::from_samples(
            r(1.0, 10_000),
            r(2.0, 30_000),
            r(2.0, 30_000),
            r(3.5, 31_000),
            1000,
            1_000_000,
        )
        .unwrap();
        assert_eq!(usage.rss_per_peer_kib, 20.0);
        assert_eq!(usage.cpu_ms_per_connection, 1.0);
        assert_eq!(usage.cpu_us_per_message, 1.5);
        assert!(ServerUsage::from_samples(None, r(0.0, 0), r(0.0, 0), r(0.0, 0), 1, 1).is_none());
    }
}
