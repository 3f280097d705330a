//! Open files: every connection takes one (a TURN relay too), and a process may hold only as
//! many as its soft limit, which is 1024 for a program started from a Debian shell or by
//! systemd, whatever the hard limit. Confab raises the soft limit to the hard one at start, as
//! production servers do, and keeps its signaling connections within what is left: the
//! connection past the limit is told that the server is full, instead of waiting unanswered in
//! the kernel's queue while the server cannot accept it.

/// Open files kept for everything but signaling connections: pages loaded without joining a
/// call, TURN sockets, the files the server reads.
const RESERVED: u64 = 256;

/// The soft limit on open files before and after [`raise`].
#[derive(Debug, Clone, Copy)]
struct FdLimit {
    /// The limit the process was started with.
    before: u64,
    /// The limit now.
    now: u64,
}

/// Raises the soft limit on open files to the hard limit.
fn raise() -> std::io::Result<FdLimit> {
    let (before, _) = rlimit::Resource::NOFILE.get()?;
    let now = rlimit::increase_nofile_limit(u64::MAX)?;
    Ok(FdLimit { before, now })
}

/// Signaling connections that fit under `limit` open files when `open` are open already.
fn connection_capacity(limit: u64, open: u64) -> usize {
    let free = limit.saturating_sub(open).saturating_sub(RESERVED);
    usize::try_from(free).unwrap_or(usize::MAX)
}

/// How many files this process has open, where the system tells (Linux).
fn open_now() -> Option<u64> {
    let entries = std::fs::read_dir("/proc/self/fd").ok()?;
    Some(entries.count() as u64)
}

/// The number of signaling connections to allow, given `wanted` (`--max-connections`): the soft
/// limit is raised first, and if it still leaves room for fewer, that is the number, with a
/// warning that says how to raise it.
pub fn connection_limit(wanted: usize) -> usize {
    let limit = match raise() {
        Ok(limit) => limit,
        Err(error) => {
            tracing::warn!(%error, "cannot read or raise the limit on open files");
            return wanted;
        }
    };
    if limit.now > limit.before {
        tracing::info!(
            from = limit.before,
            to = limit.now,
            "raised the limit on open files"
        );
    }
    let Some(open) = open_now() else {
        return wanted;
    };
    let capacity = connection_capacity(limit.now, open);
    if capacity < wanted {
        tracing::warn!(
            "this process may open {} files, room for {capacity} signaling connections, fewer \
             than --max-connections {wanted}: more are told the server is full. Raise the hard \
             limit (LimitNOFILE= in the systemd unit, or `ulimit -Hn` as root) to allow more",
            limit.now
        );
        return capacity;
    }
    wanted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_is_what_the_limit_leaves_after_open_files_and_the_reserve() {
        assert_eq!(connection_capacity(1024, 20), 1024 - 20 - 256);
        assert_eq!(connection_capacity(524_288, 30), 524_288 - 30 - 256);
        assert_eq!(connection_capacity(200, 20), 0);
    }

    #[test]
    fn raising_leaves_the_soft_limit_at_the_hard_limit() {
        let limit = raise().unwrap();
        let (soft, hard) = rlimit::Resource::NOFILE.get().unwrap();
        assert_eq!((limit.now, soft), (hard, hard));
        assert!(limit.before <= limit.now);
    }
}
