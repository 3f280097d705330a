//! The load run's figures as a table for people.

use super::run::Report;
use std::fmt::Write as _;

/// The report as aligned `name  value` lines.
pub fn table(report: &Report) -> String {
    let mut rows: Vec<(String, String)> = vec![
        ("connections".into(), report.connections.to_string()),
        (
            "ramp-up".into(),
            format!(
                "{:.2} s, {:.0} connections/s",
                report.connect_seconds, report.connections_per_second
            ),
        ),
        (
            "negotiation messages".into(),
            report.negotiation_messages.to_string(),
        ),
        (
            "relayed".into(),
            format!(
                "{} of {} sent in {:.2} s: {:.0} messages/s",
                report.relayed, report.sent, report.relay_seconds, report.relayed_per_second
            ),
        ),
        (
            "relay latency".into(),
            format!(
                "p50 {:.3} ms, p95 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
                ms(report.latency.p50_us),
                ms(report.latency.p95_us),
                ms(report.latency.p99_us),
                ms(report.latency.max_us)
            ),
        ),
        (
            "lost / misrouted / out of order".into(),
            format!(
                "{} / {} / {}",
                report.lost, report.misrouted, report.out_of_order
            ),
        ),
    ];
    let errors = if report.errors.is_empty() {
        "none".to_owned()
    } else {
        report
            .errors
            .iter()
            .map(|(kind, n)| format!("{kind}: {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    rows.push(("errors".into(), errors));
    match &report.server {
        Some(server) => {
            rows.push((
                "server RSS".into(),
                format!(
                    "{} KiB before, {} KiB connected: {:.1} KiB per peer",
                    server.rss_before_kib, server.rss_connected_kib, server.rss_per_peer_kib
                ),
            ));
            rows.push((
                "server CPU".into(),
                format!(
                    "{:.3} ms per new connection, {:.2} µs per relayed message ({:.2} s in the steady phase)",
                    server.cpu_ms_per_connection, server.cpu_us_per_message, server.cpu_seconds_steady
                ),
            ));
        }
        None => rows.push((
            "server CPU and memory".into(),
            "not measured (pass --server-pid for a local server)".into(),
        )),
    }
    let width = rows.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for (name, value) in rows {
        let _ = writeln!(out, "{name:<width$}  {value}");
    }
    out
}

fn ms(us: u32) -> f64 {
    f64::from(us) / 1000.0
}
