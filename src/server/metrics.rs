//! Prometheus metrics (`prometheus-client`): what a monitoring system scrapes from
//! `--metrics-listen` (or from `/metrics` on the main port with `--metrics-token`).
//!
//! Counters are counted where things happen; gauges are read from the hub, the TLS store and
//! the TURN server at each scrape, so nothing is kept twice.
//!
//! | metric | type | what |
//! | --- | --- | --- |
//! | `confab_build_info{version}` | gauge | always 1 |
//! | `confab_rooms` | gauge | rooms with anyone in them |
//! | `confab_participants` | gauge | participants in rooms, away ones included |
//! | `confab_signaling_connections` | gauge | open signaling connections |
//! | `confab_messages_relayed_total` | counter | signals delivered from one participant to another |
//! | `confab_requests_refused_total{code}` | counter | requests refused, by error code |
//! | `confab_tls_handshakes_total{result}` | counter | TLS handshakes, `ok` or `failed` |
//! | `confab_certificate_expiry_timestamp_seconds` | gauge | when the certificate in service expires |
//! | `confab_certificate_replacements_total` | counter | certificates swapped in while running |
//! | `confab_turn_allocations` | gauge | TURN allocations held |
//! | `confab_turn_relayed_bytes_total` | counter | bytes relayed through TURN, both directions |
//! | `confab_turn_dropped_packets_total{reason}` | counter | TURN packets dropped (over the rate, no allocation, malformed) |
//! | `confab_turn_fast_path_packets_total` | counter | TURN ChannelData packets the gate relayed itself, past the engine |
//! | `confab_turn_channel_bindings` | gauge | channel bindings the gate's fast path holds |
//! | `process_*` | | resident memory, CPU seconds, open files and their limit, start time |

use super::hub::Hub;
use super::sfu::SfuCounters;
use super::tls::store::CertStore;
use super::turn::channels::Channels;
use super::turn::flood::Dropped;
use super::turn::gate::Rules;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;
use std::sync::{Arc, Mutex, Weak};
use std::time::SystemTime;
use tokio::sync::Semaphore;

/// A label naming an error code.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CodeLabel {
    /// The code, as the protocol writes it (`room_full`).
    pub code: String,
}

/// A label naming how a handshake ended.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ResultLabel {
    /// `ok` or `failed`.
    pub result: &'static str,
}

/// Every metric of the server.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// Signals delivered.
    pub relayed: Counter,
    /// Requests refused, by code.
    pub refused: Family<CodeLabel, Counter>,
    /// TLS handshakes by result.
    pub handshakes: Family<ResultLabel, Counter>,
    sources: Arc<Mutex<Sources>>,
}

/// What the gauges are read from; set as the server starts.
#[derive(Debug, Default)]
struct Sources {
    hub: Option<Weak<Hub>>,
    connections: Option<(Arc<Semaphore>, usize)>,
    certificate: Option<Arc<CertStore>>,
    turn: Option<(Weak<Rules>, Weak<Channels>)>,
    sfu: Option<Weak<SfuCounters>>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Metrics with every counter at zero.
    pub fn new() -> Self {
        // Confab's own metrics carry the `confab_` prefix; the process metrics keep their usual
        // names.
        let mut registry = Registry::default();
        let relayed = Counter::default();
        registry.register(
            "confab_messages_relayed",
            "Signals delivered from one participant to another",
            relayed.clone(),
        );
        let refused = Family::<CodeLabel, Counter>::default();
        registry.register(
            "confab_requests_refused",
            "Signaling requests refused, by error code",
            refused.clone(),
        );
        let handshakes = Family::<ResultLabel, Counter>::default();
        registry.register(
            "confab_tls_handshakes",
            "TLS handshakes",
            handshakes.clone(),
        );
        let sources = Arc::new(Mutex::new(Sources::default()));
        registry.register_collector(Box::new(Live(Arc::clone(&sources))));
        registry.register_collector(Box::new(Process {
            started: SystemTime::now(),
        }));
        Metrics {
            registry,
            relayed,
            refused,
            handshakes,
            sources,
        }
    }

    /// Reads rooms and participants from `hub`.
    pub fn watch_hub(&self, hub: &Arc<Hub>) {
        crate::server::lock(&self.sources).hub = Some(Arc::downgrade(hub));
    }

    /// Reads open signaling connections from the places left in `connections` out of `max`.
    pub fn watch_connections(&self, connections: Arc<Semaphore>, max: usize) {
        crate::server::lock(&self.sources).connections = Some((connections, max));
    }

    /// Reads the certificate's expiry from `store`.
    pub fn watch_certificate(&self, store: Arc<CertStore>) {
        crate::server::lock(&self.sources).certificate = Some(store);
    }

    /// Reads TURN allocations, relayed bytes and drops from the gate's `rules`, and what the
    /// fast path relayed from its `channels`.
    pub fn watch_turn(&self, rules: &Arc<Rules>, channels: &Arc<Channels>) {
        crate::server::lock(&self.sources).turn =
            Some((Arc::downgrade(rules), Arc::downgrade(channels)));
    }

    /// Reports what the forwarding unit does.
    pub fn watch_sfu(&self, counters: &Arc<SfuCounters>) {
        crate::server::lock(&self.sources).sfu = Some(Arc::downgrade(counters));
    }

    /// Counts a refused request.
    pub fn refuse(&self, code: crate::protocol::ErrorCode) {
        let code = serde_json::to_value(code)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        self.refused.get_or_create(&CodeLabel { code }).inc();
    }

    /// Prometheus' text exposition format (0.0.4), which every scraper and `promtool` read.
    pub fn render(&self) -> String {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .expect("writing to a String cannot fail");
        to_prometheus_text(&text)
    }
}

/// The gauges read at each scrape.
#[derive(Debug)]
struct Live(Arc<Mutex<Sources>>);

fn gauge(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    value: impl prometheus_client::encoding::EncodeGaugeValue,
) -> Result<(), std::fmt::Error> {
    let metric = ConstGauge::new(value);
    let descriptor = encoder.encode_descriptor(name, help, None, metric.metric_type())?;
    metric.encode(descriptor)
}

fn counter(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    value: u64,
) -> Result<(), std::fmt::Error> {
    let metric = ConstCounter::new(value);
    let descriptor = encoder.encode_descriptor(name, help, None, metric.metric_type())?;
    metric.encode(descriptor)
}

impl Collector for Live {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let sources = crate::server::lock(&self.0);
        {
            let info = ConstGauge::new(1i64);
            let mut descriptor = encoder.encode_descriptor(
                "confab_build_info",
                "Confab's version",
                None,
                info.metric_type(),
            )?;
            let labels = [("version", env!("CARGO_PKG_VERSION"))];
            info.encode(descriptor.encode_family(&labels)?)?;
        }
        if let Some(hub) = sources.hub.as_ref().and_then(Weak::upgrade) {
            gauge(
                &mut encoder,
                "confab_rooms",
                "Rooms with anyone in them",
                hub.room_count() as i64,
            )?;
            gauge(
                &mut encoder,
                "confab_participants",
                "Participants in rooms, away ones included",
                hub.participant_count() as i64,
            )?;
        }
        if let Some((connections, max)) = &sources.connections {
            let open = max.saturating_sub(connections.available_permits());
            gauge(
                &mut encoder,
                "confab_signaling_connections",
                "Open signaling connections",
                open as i64,
            )?;
        }
        if let Some(store) = &sources.certificate {
            if let Some(expires) = store.expires() {
                gauge(
                    &mut encoder,
                    "confab_certificate_expiry_timestamp_seconds",
                    "When the certificate in service expires (Unix time)",
                    expires as i64,
                )?;
            }
            counter(
                &mut encoder,
                "confab_certificate_replacements",
                "Certificates swapped in while running",
                store.replacements(),
            )?;
        }
        if let Some((rules, channels)) = sources
            .turn
            .as_ref()
            .and_then(|(rules, channels)| Some((rules.upgrade()?, channels.upgrade()?)))
        {
            gauge(
                &mut encoder,
                "confab_turn_allocations",
                "TURN allocations held",
                rules.usage.total_allocations() as i64,
            )?;
            counter(
                &mut encoder,
                "confab_turn_relayed_bytes",
                "Bytes relayed through TURN, both directions",
                rules.usage.relayed_bytes(),
            )?;
            let dropped = ConstCounter::new(0u64);
            let descriptor = encoder.encode_descriptor(
                "confab_turn_dropped_packets",
                "TURN packets dropped",
                None,
                dropped.metric_type(),
            )?;
            let mut family = descriptor;
            for (reason, why) in [
                ("over_rate", Dropped::OverRate),
                ("no_allocation", Dropped::NoAllocation),
                ("malformed", Dropped::Malformed),
            ] {
                let count = ConstCounter::new(rules.flood.dropped(why));
                count.encode(family.encode_family(&[("reason", reason)])?)?;
            }
            counter(
                &mut encoder,
                "confab_turn_fast_path_packets",
                "TURN ChannelData packets the gate relayed itself, past the engine",
                channels.relayed(),
            )?;
            gauge(
                &mut encoder,
                "confab_turn_channel_bindings",
                "Channel bindings the TURN gate's fast path holds",
                channels.held().1 as i64,
            )?;
        }
        if let Some(sfu) = sources.sfu.as_ref().and_then(Weak::upgrade) {
            gauge(
                &mut encoder,
                "confab_sfu_participants",
                "Media connections the forwarding unit holds",
                sfu.participants() as i64,
            )?;
            counter(
                &mut encoder,
                "confab_sfu_forwarded_frames",
                "Frames the forwarding unit sent on, once per receiver",
                sfu.forwarded_frames(),
            )?;
            counter(
                &mut encoder,
                "confab_sfu_keyframe_requests",
                "Keyframe requests the forwarding unit sent to publishers",
                sfu.keyframe_requests(),
            )?;
        }
        Ok(())
    }
}

/// The usual `process_*` metrics, from `/proc/self`.
#[derive(Debug)]
struct Process {
    started: SystemTime,
}

impl Collector for Process {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        let kib = |field: &str| -> Option<i64> {
            status
                .lines()
                .find_map(|l| l.strip_prefix(field))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
        };
        if let Some(rss) = kib("VmRSS:") {
            gauge(
                &mut encoder,
                "process_resident_memory_bytes",
                "Resident memory size in bytes",
                rss * 1024,
            )?;
        }
        if let Some(virt) = kib("VmSize:") {
            gauge(
                &mut encoder,
                "process_virtual_memory_bytes",
                "Virtual memory size in bytes",
                virt * 1024,
            )?;
        }
        // utime and stime, fields 14 and 15 of /proc/self/stat, in USER_HZ (100 on Linux).
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
        let fields: Vec<&str> = after_name.split_whitespace().collect();
        if let (Some(user), Some(system)) = (
            fields.get(11).and_then(|v| v.parse::<f64>().ok()),
            fields.get(12).and_then(|v| v.parse::<f64>().ok()),
        ) {
            let metric = ConstCounter::new((user + system) / 100.0);
            let descriptor = encoder.encode_descriptor(
                "process_cpu_seconds",
                "Total user and system CPU time spent in seconds",
                None,
                metric.metric_type(),
            )?;
            metric.encode(descriptor)?;
        }
        if let Ok(fds) = std::fs::read_dir("/proc/self/fd") {
            gauge(
                &mut encoder,
                "process_open_fds",
                "Number of open file descriptors",
                fds.count() as i64,
            )?;
        }
        if let Ok((soft, _)) = rlimit::getrlimit(rlimit::Resource::NOFILE) {
            gauge(
                &mut encoder,
                "process_max_fds",
                "Maximum number of open file descriptors",
                soft as i64,
            )?;
        }
        let started = self
            .started
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        gauge(
            &mut encoder,
            "process_start_time_seconds",
            "Start time of the process since the Unix epoch in seconds",
            started,
        )?;
        Ok(())
    }
}

/// Prometheus' text format from OpenMetrics (what `prometheus-client` writes): a counter's help
/// and type name its samples' `_total` name, and the `# EOF` and `# UNIT` lines go.
fn to_prometheus_text(openmetrics: &str) -> String {
    let counters: std::collections::HashSet<&str> = openmetrics
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|rest| rest.strip_suffix(" counter"))
        .collect();
    let mut out = String::with_capacity(openmetrics.len());
    for line in openmetrics.lines() {
        if line == "# EOF" || line.starts_with("# UNIT ") {
            continue;
        }
        let renamed = ["# HELP ", "# TYPE "].iter().find_map(|prefix| {
            let rest = line.strip_prefix(prefix)?;
            let (name, tail) = rest.split_once(' ')?;
            counters
                .contains(name)
                .then(|| format!("{prefix}{name}_total {tail}"))
        });
        out.push_str(renamed.as_deref().unwrap_or(line));
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_are_named_by_their_samples_and_openmetrics_markers_go() {
        let metrics = Metrics::new();
        metrics.relayed.inc();
        metrics.refuse(crate::protocol::ErrorCode::RoomFull);
        let text = metrics.render();
        assert!(
            text.contains("# HELP confab_messages_relayed_total "),
            "{text}"
        );
        assert!(
            text.contains("# TYPE confab_messages_relayed_total counter"),
            "{text}"
        );
        assert!(text.contains("confab_messages_relayed_total 1"), "{text}");
        assert!(
            text.contains("confab_requests_refused_total{code=\"room_full\"} 1"),
            "{text}"
        );
        assert!(text.contains("process_resident_memory_bytes "), "{text}");
        assert!(!text.contains("# EOF"), "{text}");
    }
}
