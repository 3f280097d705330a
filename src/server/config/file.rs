//! The configuration file: TOML whose keys are the flags' names, e.g.
//!
//! ```toml
//! port = 443
//! acme-domain = ["meet.example.org"]
//! acme-email = "admin@example.org"
//! http-port = 80
//! max-peers-per-room = 8
//! ```
//!
//! Each value becomes the default of its flag, so the flag and its environment variable still
//! override it. A key that is no flag is refused with the key and the file named.
//!
//! `confab check-config` prints the settings in effect and where each came from (secrets
//! hidden), and exits non-zero if any is wrong.

use super::Config;
use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Flags whose values are never printed.
const SECRETS: &[&str] = &["turn-secret", "metrics-token"];

/// The settings could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not TOML.
    #[error("{path} is not valid TOML: {message}")]
    Toml {
        /// The file.
        path: PathBuf,
        /// The parser's explanation.
        message: String,
    },
    /// The file names something that is not a flag.
    #[error(
        "{path}: unknown setting {key:?} (settings are the flags' names, as `confab --help` lists them)"
    )]
    UnknownKey {
        /// The file.
        path: PathBuf,
        /// The key.
        key: String,
    },
    /// A value in the file is not a string, number, boolean or list of them.
    #[error("{path}: {key} must be a string, a number, true/false, or a list of those")]
    BadValue {
        /// The file.
        path: PathBuf,
        /// The key.
        key: String,
    },
    /// The flags (or a value from the file) did not parse.
    #[error("{0}")]
    Flags(#[from] clap::Error),
}

/// What the command line asks for.
pub enum Invocation {
    /// Run the server.
    Serve(Box<Config>),
    /// Print the effective settings; `problems` is what is wrong with them.
    CheckConfig {
        /// The settings.
        config: Box<Config>,
        /// Each setting as `key = value  # source`.
        report: String,
    },
}

/// Reads the command line (`args`, the program name first), the environment and the file given
/// with `--config` or `CONFAB_CONFIG`.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Invocation, ConfigError> {
    let mut args: Vec<OsString> = args.into_iter().collect();
    let check = args.get(1).is_some_and(|a| a == "check-config");
    if check {
        args.remove(1);
    }
    let mut command = Config::command();
    if let Some(path) = config_path(&args) {
        command = with_file_defaults(command, &path)?;
    }
    let matches = command.clone().try_get_matches_from(&args)?;
    let config = Config::from_arg_matches(&matches)?;
    if !check {
        return Ok(Invocation::Serve(Box::new(config)));
    }
    let report = report(&command, &matches);
    Ok(Invocation::CheckConfig {
        config: Box::new(config),
        report,
    })
}

/// The `--config` file named on the command line or in the environment.
fn config_path(args: &[OsString]) -> Option<PathBuf> {
    let mut iter = args.iter().skip(1);
    while let Some(arg) = iter.next() {
        let arg = arg.to_string_lossy();
        if arg == "--config" {
            return iter.next().map(PathBuf::from);
        }
        if let Some(path) = arg.strip_prefix("--config=") {
            return Some(PathBuf::from(path));
        }
    }
    std::env::var_os("CONFAB_CONFIG").map(PathBuf::from)
}

/// `command` with the file's values as its flags' defaults.
fn with_file_defaults(
    mut command: clap::Command,
    path: &Path,
) -> Result<clap::Command, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    let table: toml::Table = toml::from_str(&text).map_err(|error| ConfigError::Toml {
        path: path.to_owned(),
        message: error.message().to_owned(),
    })?;
    for (key, value) in table {
        let id = command
            .get_arguments()
            .find(|arg| arg.get_long() == Some(key.as_str()) && key != "config")
            .map(|arg| arg.get_id().clone())
            .ok_or_else(|| ConfigError::UnknownKey {
                path: path.to_owned(),
                key: key.clone(),
            })?;
        let bad = || ConfigError::BadValue {
            path: path.to_owned(),
            key: key.clone(),
        };
        let values: Vec<String> = match value {
            toml::Value::Array(items) => items
                .into_iter()
                .map(|item| scalar(item).ok_or_else(bad))
                .collect::<Result<_, _>>()?,
            other => vec![scalar(other).ok_or_else(bad)?],
        };
        command = command.mut_arg(id, |arg| arg.default_values(values));
    }
    Ok(command)
}

fn scalar(value: toml::Value) -> Option<String> {
    match value {
        toml::Value::String(text) => Some(text),
        toml::Value::Integer(n) => Some(n.to_string()),
        toml::Value::Float(x) => Some(x.to_string()),
        toml::Value::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Every setting in effect, one `key = value  # source` line each, secrets hidden.
fn report(command: &clap::Command, matches: &clap::ArgMatches) -> String {
    let mut lines = Vec::new();
    for arg in command.get_arguments() {
        let Some(long) = arg.get_long() else { continue };
        if matches!(long, "help" | "version") {
            continue;
        }
        let id = arg.get_id().as_str();
        let values: Vec<String> = matches
            .get_raw(id)
            .map(|raw| raw.map(|v| v.to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        let source = match matches.value_source(id) {
            Some(ValueSource::CommandLine) => "command line",
            Some(ValueSource::EnvVariable) => "environment",
            Some(ValueSource::DefaultValue) if arg.get_default_values().is_empty() => "default",
            Some(ValueSource::DefaultValue) => "default or file",
            _ => "not set",
        };
        let shown = if values.is_empty() {
            "(not set)".to_owned()
        } else if SECRETS.contains(&long) {
            "(hidden)".to_owned()
        } else if values.len() == 1 {
            format!("{:?}", values[0])
        } else {
            format!("{values:?}")
        };
        lines.push(format!("{long} = {shown}  # {source}"));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> PathBuf {
        let path =
            std::env::temp_dir().join(format!("confab-config-{name}-{}.toml", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    fn serve(args: &[&str]) -> Result<Config, ConfigError> {
        let args = std::iter::once("confab")
            .chain(args.iter().copied())
            .map(OsString::from);
        match parse(args)? {
            Invocation::Serve(config) => Ok(*config),
            Invocation::CheckConfig { .. } => panic!("not a check"),
        }
    }

    #[test]
    fn the_file_sets_defaults_and_flags_override_them() {
        let path = file(
            "precedence",
            "port = 8443\nmax-peers-per-room = 8\nacme-domain = [\"a.example\", \"b.example\"]\nno-turn = true\n",
        );
        let p = path.to_str().unwrap();
        let config = serve(&["--config", p]).unwrap();
        assert_eq!(config.port, 8443);
        assert_eq!(config.max_peers_per_room, 8);
        assert_eq!(config.acme_domains, ["a.example", "b.example"]);
        assert!(config.no_turn);
        let config = serve(&["--config", p, "--port", "9443"]).unwrap();
        assert_eq!(config.port, 9443, "the flag wins");
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn an_unknown_key_is_refused_with_its_name() {
        let path = file("unknown", "port = 443\nmax-peers-per-rooom = 8\n");
        let error = serve(&["--config", path.to_str().unwrap()]).err().unwrap();
        let text = error.to_string();
        assert!(text.contains("max-peers-per-rooom"), "{text}");
        assert!(text.contains(path.to_str().unwrap()), "{text}");
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_bad_value_in_the_file_is_refused() {
        let path = file("bad", "port = \"https\"\n");
        let error = serve(&["--config", path.to_str().unwrap()]).err().unwrap();
        assert!(error.to_string().contains("port"), "{error}");
        let path = file("table", "port = { a = 1 }\n");
        let error = serve(&["--config", path.to_str().unwrap()]).err().unwrap();
        assert!(matches!(error, ConfigError::BadValue { .. }), "{error}");
        let path = file("toml", "port = \n");
        let error = serve(&["--config", path.to_str().unwrap()]).err().unwrap();
        assert!(matches!(error, ConfigError::Toml { .. }), "{error}");
    }

    #[test]
    fn check_config_reports_every_setting_and_hides_secrets() {
        let path = file("check", "turn-secret = \"hunter2\"\nport = 8443\n");
        let args = [
            "confab",
            "check-config",
            "--config",
            path.to_str().unwrap(),
            "--max-rooms",
            "7",
        ];
        let Invocation::CheckConfig { report, .. } =
            parse(args.iter().map(OsString::from)).unwrap()
        else {
            panic!("expected a check");
        };
        assert!(
            report.contains("port = \"8443\"  # default or file"),
            "{report}"
        );
        assert!(
            report.contains("max-rooms = \"7\"  # command line"),
            "{report}"
        );
        assert!(report.contains("turn-secret = (hidden)"), "{report}");
        assert!(!report.contains("hunter2"), "{report}");
        assert!(report.contains("acme-domain = (not set)"), "{report}");
        std::fs::remove_file(path).unwrap();
    }
}
