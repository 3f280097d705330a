//! The data directory: files Confab makes once and keeps (the self-signed certificate, the resume
//! key, the TURN secret, ACME account and certificates, revoked resume tokens).

use std::path::{Path, PathBuf};

/// A file in the data directory could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum DataDirError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// Reads a whole file.
pub fn read(path: &Path) -> Result<Vec<u8>, DataDirError> {
    std::fs::read(path).map_err(|source| DataDirError::Read {
        path: path.to_owned(),
        source,
    })
}

/// Writes a file whole, creating its folder: the bytes go to a temporary file beside it that then
/// replaces it, so a reader (or a crash) never sees half a file. `private` files are readable by
/// their owner only.
pub fn write(path: &Path, bytes: &[u8], private: bool) -> Result<(), DataDirError> {
    let error = |source| DataDirError::Write {
        path: path.to_owned(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(error)?;
    }
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".{}.tmp", std::process::id()));
    let temporary = PathBuf::from(temporary);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if private { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = private;
    use std::io::Write as _;
    let written = options
        .open(&temporary)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written.map_err(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_file_replaces_the_old_one_whole_and_private_ones_are_owner_only() {
        let dir = std::env::temp_dir().join(format!("confab-data-dir-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("nested/secret");
        write(&path, b"first", true).unwrap();
        write(&path, b"second", true).unwrap();
        assert_eq!(read(&path).unwrap(), b"second");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let names: Vec<_> = std::fs::read_dir(dir.join("nested")).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left behind");
        let error = read(&dir.join("missing")).unwrap_err();
        assert!(error.to_string().contains("missing"), "{error}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
