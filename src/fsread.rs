//! The one way dep-ls reads a file: Markdown files of the walk, `dep-ls.toml`, the domain
//! profile, `--config FILE`, and the file `check --fix` is about to replace.
//!
//! - Only regular files are read. The file is opened without blocking (`O_NONBLOCK`: opening a
//!   FIFO for reading would otherwise wait for a writer forever) and the *opened handle* is
//!   checked, so a FIFO, a device (`/dev/zero`), a socket or a folder is refused whatever the
//!   path was when it was looked at before. Symlinks are followed only to a regular file (and
//!   not at all with [`Follow::No`]).
//! - The read is bounded: at most `limit + 1` bytes are read, whatever the metadata said (a file
//!   that grows while it is read, a special file that reports size 0).
//! - A refusal is a [`ReadError`] whose `Display` is a short reason for a note or a warning.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;

/// Size limit of configuration files (`dep-ls.toml`, `--config FILE`, the domain profile).
pub const CONFIG_LIMIT: u64 = 1024 * 1024;

/// Whether the last component of the path may be a symlink.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Follow {
    /// Follow symlinks (to a regular file only).
    Yes,
    /// Refuse a symlink (`O_NOFOLLOW` where the platform has it).
    No,
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// There is no such file.
    NotFound(io::Error),
    /// Opening or reading failed (permissions, I/O error…).
    Io(io::Error),
    /// A folder, FIFO, device, socket…
    NotRegular,
    /// The path is a symlink and [`Follow::No`] was asked.
    Symlink,
    /// Larger than the limit: `len` is the size from the metadata, or `None` when the file
    /// grew past the limit while it was read.
    TooLarge { len: Option<u64>, limit: u64 },
    /// Not UTF-8: offset of the first invalid byte.
    NotUtf8 { offset: usize },
}

impl ReadError {
    /// Is this "no such file"?
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::NotFound(_))
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotFound(e) | ReadError::Io(e) => write!(f, "cannot read ({e})"),
            ReadError::NotRegular => write!(f, "not a regular file"),
            ReadError::Symlink => write!(f, "a symlink (not followed)"),
            ReadError::TooLarge {
                len: Some(len),
                limit,
            } => write!(f, "{len} bytes is over the size limit of {limit} bytes"),
            ReadError::TooLarge { len: None, limit } => {
                write!(f, "over the size limit of {limit} bytes")
            }
            ReadError::NotUtf8 { offset } => {
                write!(f, "not valid UTF-8 (first invalid byte at offset {offset})")
            }
        }
    }
}

impl std::error::Error for ReadError {}

fn io_err(e: io::Error) -> ReadError {
    if e.kind() == io::ErrorKind::NotFound {
        ReadError::NotFound(e)
    } else {
        ReadError::Io(e)
    }
}

/// Opens a regular file for reading without blocking: the handle and its metadata (taken from
/// the handle, not the path). A FIFO, device, socket or folder is refused, and so is a symlink
/// with [`Follow::No`].
pub fn open_regular(path: &Path, follow: Follow) -> Result<(File, Metadata), ReadError> {
    // A cheap first look at the path: a special file is refused before it is even opened
    // (opening some devices has effects). The handle is checked again below.
    let pre = match follow {
        Follow::Yes => std::fs::metadata(path),
        Follow::No => std::fs::symlink_metadata(path),
    }
    .map_err(io_err)?;
    if pre.file_type().is_symlink() {
        return Err(ReadError::Symlink);
    }
    if !pre.is_file() {
        return Err(ReadError::NotRegular);
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = libc::O_NONBLOCK | libc::O_NOCTTY;
        if follow == Follow::No {
            flags |= libc::O_NOFOLLOW;
        }
        opts.custom_flags(flags);
    }
    let file = match opts.open(path) {
        Ok(f) => f,
        // O_NOFOLLOW on a symlink (it was swapped in after the first look).
        #[cfg(unix)]
        Err(e) if follow == Follow::No && e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(ReadError::Symlink)
        }
        Err(e) => return Err(io_err(e)),
    };
    let meta = file.metadata().map_err(io_err)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    Ok((file, meta))
}

/// Reads at most `limit` bytes of a regular file (see the module documentation).
pub fn read_bytes(path: &Path, limit: u64, follow: Follow) -> Result<Vec<u8>, ReadError> {
    let (file, meta) = open_regular(path, follow)?;
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            len: Some(meta.len()),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_err)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { len: None, limit });
    }
    Ok(bytes)
}

/// Reads a regular file of at most `limit` bytes as UTF-8 text, following symlinks to regular
/// files.
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_bytes(path, limit, Follow::Yes)?;
    String::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 {
        offset: e.utf8_error().valid_up_to(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("dep-ls-fsread-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("mkdir");
        d
    }

    #[test]
    fn reads_regular_files_within_the_limit() {
        let d = dir("ok");
        std::fs::write(d.join("a"), "héllo").expect("write");
        assert_eq!(read_text(&d.join("a"), 6).expect("read"), "héllo");
        let e = read_text(&d.join("a"), 5).expect_err("too large");
        assert!(
            e.to_string().contains("over the size limit of 5 bytes"),
            "{e}"
        );
        assert!(read_text(&d.join("missing"), 5)
            .expect_err("missing")
            .is_not_found());
        std::fs::write(d.join("b"), b"ab\xffc").expect("write");
        let e = read_text(&d.join("b"), 10).expect_err("latin-1");
        assert_eq!(
            e.to_string(),
            "not valid UTF-8 (first invalid byte at offset 2)"
        );
        let e = read_text(&d, 10).expect_err("a folder");
        assert_eq!(e.to_string(), "not a regular file");
        let _ = std::fs::remove_dir_all(&d);
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_symlinks() {
        let d = dir("special");
        // FIFOs: `tests/binary/reliability_hostile.rs` (`defect5_…`; `mkfifo` is a process, which the
        // library's source does not spawn).
        std::os::unix::fs::symlink("/dev/zero", d.join("zero")).expect("symlink");
        assert!(matches!(
            read_text(&d.join("zero"), CONFIG_LIMIT),
            Err(ReadError::NotRegular)
        ));
        std::fs::write(d.join("real"), "x").expect("write");
        std::os::unix::fs::symlink("real", d.join("link")).expect("symlink");
        assert_eq!(read_text(&d.join("link"), 10).expect("followed"), "x");
        assert!(matches!(
            read_bytes(&d.join("link"), 10, Follow::No),
            Err(ReadError::Symlink)
        ));
        assert_eq!(
            read_bytes(&d.join("real"), 10, Follow::No).expect("regular"),
            b"x"
        );
        let _ = std::fs::remove_dir_all(&d);
    }
}
