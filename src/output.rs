//! I/O: publishing a rendered site safely and atomically (docs/publishing.md).
//!
//! The whole site is written to a staging folder beside the target (as
//! pages are rendered, from several threads: [`Staging`]), then swapped in
//! with one `rename` (on Linux an atomic exchange of the two
//! folders), so a reader sees the old site or the new one, never a mix, and a
//! failed or killed build leaves the previous output as it was. Leftovers of
//! a killed build are removed by the next one.
//!
//! Two builds into one folder take turns: each holds an [`OutputLock`] from
//! before it looks for leftovers until its site is swapped in, so no build
//! takes another's staging folder for a killed build's, and the output is
//! always one build's whole site.
//!
//! Before anything is written, the target is checked: never the site root,
//! `content/`, `themes/` or an ancestor of the root; never a non-empty folder
//! frictionlog did not make, unless `--force`.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::render::{OUTPUT_MARKER, RenderedSite, Sink};

/// Why the site could not be published.
#[derive(Debug)]
pub enum OutputError {
    /// The target is a folder frictionlog must never write to.
    Refused {
        target: PathBuf,
        reason: String,
    },
    /// The target holds files frictionlog did not write.
    NotOurs {
        target: PathBuf,
    },
    Io {
        path: PathBuf,
        source: io::Error,
    },
    /// The lock on building into the target could not be taken.
    Lock {
        path: PathBuf,
        source: io::Error,
    },
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutputError::Refused { target, reason } => {
                write!(
                    f,
                    "refusing to write the site to \"{}\": {reason}",
                    target.display()
                )
            }
            OutputError::NotOurs { target } => write!(
                f,
                "refusing to replace \"{}\": it is not empty and frictionlog did not create it (pass --force to replace it, or choose another folder with -o)",
                target.display()
            ),
            OutputError::Io { path, source } => {
                write!(f, "cannot write \"{}\": {source}", path.display())
            }
            OutputError::Lock { path, source } => {
                write!(f, "cannot lock \"{}\": {source}", path.display())
            }
        }
    }
}

impl std::error::Error for OutputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OutputError::Io { source, .. } | OutputError::Lock { source, .. } => Some(source),
            _ => None,
        }
    }
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_owned(),
        source,
    }
}

/// `path` made absolute and free of `.`, `..` and symbolic links as far as it
/// exists; the part that does not exist yet is resolved lexically.
pub fn resolve_path(path: &Path) -> io::Result<PathBuf> {
    let absolute = if path.is_absolute() {
        path.to_owned()
    } else {
        std::env::current_dir()?.join(path)
    };
    let mut existing = absolute.clone();
    let mut missing: Vec<std::ffi::OsString> = Vec::new();
    loop {
        match existing.canonicalize() {
            Ok(real) => {
                let mut resolved = real;
                for part in missing.iter().rev() {
                    match Path::new(part).components().next() {
                        Some(Component::ParentDir) => {
                            resolved.pop();
                        }
                        Some(Component::CurDir) | None => {}
                        _ => resolved.push(part),
                    }
                }
                return Ok(resolved);
            }
            Err(_) => {
                let Some(name) = existing.file_name().map(ToOwned::to_owned) else {
                    // `..` at the end, or the root itself: normalise lexically.
                    if !existing.pop() {
                        return Ok(absolute);
                    }
                    missing.push("..".into());
                    continue;
                };
                missing.push(name);
                if !existing.pop() {
                    return Ok(absolute);
                }
            }
        }
    }
}

/// Checks that `target` may receive the site of `root` (both resolved).
pub fn check_target(root: &Path, target: &Path, force: bool) -> Result<(), OutputError> {
    let refuse = |reason: &str| OutputError::Refused {
        target: target.to_owned(),
        reason: reason.to_owned(),
    };
    if target == root {
        return Err(refuse(
            "it is the site root; the default output folder is output/",
        ));
    }
    if root.starts_with(target) {
        return Err(refuse("it is a parent folder of the site root"));
    }
    for protected in ["content", "themes"] {
        if target.starts_with(root.join(protected)) {
            return Err(refuse(&format!(
                "it is inside {protected}/, which holds the site's sources"
            )));
        }
    }
    if target.exists() && !target.is_dir() {
        return Err(refuse("it is a file, not a folder"));
    }
    if !force && target.is_dir() && !is_ours(target)? {
        return Err(OutputError::NotOurs {
            target: target.to_owned(),
        });
    }
    Ok(())
}

/// Whether `dir` is empty or was made by frictionlog.
fn is_ours(dir: &Path) -> Result<bool, OutputError> {
    if dir.join(OUTPUT_MARKER).is_file() {
        return Ok(true);
    }
    let mut entries = fs::read_dir(dir).map_err(io_error(dir))?;
    Ok(entries.next().is_none())
}

/// The right to build into one output folder, as cargo locks its build
/// directory: a file lock (`flock` on Unix) on `.NAME.frictionlog-lock`
/// beside the target, held until the new site is swapped in. The file holds
/// the owner's process id, only to tell a waiting build whom it waits for.
///
/// `report` takes the same lock on an incident file (`.NAME.md.frictionlog-lock`
/// beside it) around its read-modify-write, so two reports take turns.
///
/// The file is removed on release, while still locked, so no lock file is
/// left beside the output. A build that was waiting then holds the lock of
/// a removed file: it sees that the path names another file (or none) and
/// locks again. A killed build's lock is released by the system; its file
/// is taken over by the next build.
#[derive(Debug)]
pub struct OutputLock {
    file: fs::File,
    path: PathBuf,
}

impl OutputLock {
    /// Locks building into `parent/name`, waiting while another build holds
    /// it; `on_wait` is told once, with the other build's process id when
    /// it is known.
    pub fn acquire(
        parent: &Path,
        name: &str,
        on_wait: &dyn Fn(Option<u32>),
    ) -> Result<OutputLock, OutputError> {
        let path = parent.join(format!(".{name}.frictionlog-lock"));
        let lock_error = |source| OutputError::Lock {
            path: path.clone(),
            source,
        };
        let mut told = false;
        loop {
            let file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(lock_error)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) if told => file.lock().map_err(lock_error)?,
                Err(fs::TryLockError::WouldBlock) => {
                    told = wait_telling(&file, on_wait).map_err(lock_error)?;
                }
                Err(fs::TryLockError::Error(source)) => return Err(lock_error(source)),
            }
            if is_still_at(&file, &path) {
                write_pid(&file);
                return Ok(OutputLock { file, path });
            }
            // Released and removed while we waited: lock the file that is
            // there now.
        }
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Removed while still locked (see the type's docs), then released.
        #[cfg(unix)]
        let _ = fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

/// Locks `file`, which another build holds, telling `on_wait` first, with
/// the owner's process id: the owner writes it just after it locks, so
/// this looks for it a little while (and takes the lock if it comes free
/// meanwhile, telling nothing). Returns whether `on_wait` was told.
fn wait_telling(file: &fs::File, on_wait: &dyn Fn(Option<u32>)) -> io::Result<bool> {
    let look_until = Instant::now() + Duration::from_secs(1);
    loop {
        let pid = read_pid(file);
        if pid.is_some() || Instant::now() > look_until {
            on_wait(pid);
            file.lock()?;
            return Ok(true);
        }
        std::thread::sleep(Duration::from_millis(5));
        match file.try_lock() {
            Ok(()) => return Ok(false),
            Err(fs::TryLockError::WouldBlock) => {}
            Err(fs::TryLockError::Error(error)) => return Err(error),
        }
    }
}

/// The process id written whole (with its newline) in a lock file, if any.
fn read_pid(file: &fs::File) -> Option<u32> {
    use std::io::{Read, Seek, SeekFrom};
    let mut text = String::new();
    let mut reader = file;
    reader.seek(SeekFrom::Start(0)).ok()?;
    reader.take(32).read_to_string(&mut text).ok()?;
    text.strip_suffix('\n')?.parse().ok()
}

/// Writes this process's id over whatever a lock file held (a waiting
/// build may have read it, moving the file's offset).
fn write_pid(file: &fs::File) {
    use std::io::{Seek, SeekFrom, Write};
    // Only for the message of a build that waits: a failure costs nothing.
    let mut writer = file;
    let _ = file
        .set_len(0)
        .and_then(|()| writer.seek(SeekFrom::Start(0)))
        .and_then(|_| writer.write_all(format!("{}\n", std::process::id()).as_bytes()));
}

/// Whether `path` still names the open `file` (a lock file is removed by
/// the build that releases it).
#[cfg(unix)]
fn is_still_at(file: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

/// Lock files are never removed where open files cannot be.
#[cfg(not(unix))]
fn is_still_at(_file: &fs::File, _path: &Path) -> bool {
    true
}

/// What publishing did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PublishReport {
    pub files: usize,
    pub bytes: u64,
}

/// A staging folder beside the target, filled as pages are rendered (from
/// several threads) and swapped in whole by [`Staging::commit`]. Dropped
/// without a commit, it is removed and the target is left as it was.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    parent: PathBuf,
    name: String,
    files: AtomicUsize,
    bytes: AtomicU64,
    /// The first write that failed; later writes are skipped.
    error: Mutex<Option<OutputError>>,
    committed: bool,
    /// The staging folder, held open: files are created relative to it, so
    /// the kernel does not walk the whole path for every page.
    #[cfg(target_os = "linux")]
    dir_fd: rustix::fd::OwnedFd,
    /// The target held open, when it holds a site frictionlog made: a page
    /// that has not changed is hard-linked from it ([`link_unchanged`]).
    #[cfg(target_os = "linux")]
    previous: Option<rustix::fd::OwnedFd>,
    /// Held until the staging folder is swapped in or removed (fields drop
    /// after [`Staging`]'s own `drop`).
    _lock: OutputLock,
}

impl Staging {
    /// Checks `target`, waits for any other build into it ([`OutputLock`];
    /// `on_wait` is told when it has to, with the other build's process
    /// id), and makes an empty staging folder beside it, after removing
    /// what killed builds left there.
    pub fn create(
        root: &Path,
        target: &Path,
        force: bool,
        on_wait: &dyn Fn(Option<u32>),
    ) -> Result<Staging, OutputError> {
        check_target(root, target, force)?;
        let parent = target.parent().ok_or_else(|| OutputError::Refused {
            target: target.to_owned(),
            reason: "it has no parent folder".to_owned(),
        })?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        fs::create_dir_all(parent).map_err(io_error(parent))?;
        let lock = OutputLock::acquire(parent, &name, on_wait)?;
        // Every other build into the target is over: what is left of them
        // is debris.
        remove_debris(parent, &name);
        let dir = parent.join(format!(".{name}.frictionlog-new-{}", std::process::id()));
        fs::create_dir(&dir).map_err(io_error(&dir))?;
        #[cfg(target_os = "linux")]
        let dir_fd = open_folder(&dir).map_err(io_error(&dir))?;
        #[cfg(target_os = "linux")]
        let previous = if target.join(OUTPUT_MARKER).is_file() {
            open_folder(target).ok()
        } else {
            None
        };
        Ok(Staging {
            #[cfg(target_os = "linux")]
            dir_fd,
            #[cfg(target_os = "linux")]
            previous,
            dir,
            target: target.to_owned(),
            parent: parent.to_owned(),
            name,
            files: AtomicUsize::new(0),
            bytes: AtomicU64::new(0),
            error: Mutex::new(None),
            committed: false,
            _lock: lock,
        })
    }

    fn fail(&self, error: OutputError) {
        let mut slot = self.error.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert(error);
    }

    fn failed(&self) -> bool {
        self.error
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// `rel` as a path, refused when it would leave the staging folder.
    fn checked<'r>(&self, rel: &'r str) -> Result<&'r Path, OutputError> {
        let rel_path = Path::new(rel);
        if rel.is_empty()
            || rel_path
                .components()
                .any(|c| !matches!(c, Component::Normal(_)))
        {
            return Err(OutputError::Refused {
                target: self.dir.join(rel_path),
                reason: "the rendered file's path leaves the output folder".to_owned(),
            });
        }
        Ok(rel_path)
    }

    /// Writes what `write` writes to `rel` (checked) beneath the staging
    /// folder, making its folders; returns how many bytes it wrote. Never
    /// linked to the previous output: such a file is one that changes.
    fn write_with(
        &self,
        rel: &str,
        write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> Result<u64, OutputError> {
        use std::io::Write as _;

        let rel_path = self.checked(rel)?;
        let path = self.dir.join(rel_path);
        let file = self.create_file(rel).map_err(io_error(&path))?;
        let mut out = CountingWriter {
            inner: io::BufWriter::with_capacity(1 << 16, file),
            bytes: 0,
        };
        write(&mut out)
            .and_then(|()| out.flush())
            .map_err(io_error(&path))?;
        Ok(out.bytes)
    }

    /// Creates `rel` (checked) beneath the staging folder, with its folders.
    fn create_file(&self, rel: &str) -> io::Result<fs::File> {
        self.make_folders(rel)?;
        self.open_new(rel)
    }

    /// Makes the folders of `rel` (checked) beneath the staging folder.
    #[cfg(target_os = "linux")]
    fn make_folders(&self, rel: &str) -> io::Result<()> {
        match rel.rsplit_once('/') {
            Some((folder, _)) => make_folders_at(&self.dir_fd, folder),
            None => Ok(()),
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn make_folders(&self, rel: &str) -> io::Result<()> {
        match self.dir.join(rel).parent() {
            Some(parent) if parent != self.dir => fs::create_dir_all(parent),
            _ => Ok(()),
        }
    }

    /// Opens `rel` (checked, its folders made) for writing, new or emptied.
    #[cfg(target_os = "linux")]
    fn open_new(&self, rel: &str) -> io::Result<fs::File> {
        use rustix::fs::{Mode, OFlags, openat};

        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC | OFlags::CLOEXEC;
        let fd = openat(&self.dir_fd, rel, flags, Mode::from_raw_mode(0o666))?;
        Ok(fs::File::from(fd))
    }

    #[cfg(not(target_os = "linux"))]
    fn open_new(&self, rel: &str) -> io::Result<fs::File> {
        fs::File::create(self.dir.join(rel))
    }

    fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), OutputError> {
        let rel_path = self.checked(rel)?;
        self.write_checked(rel, bytes)
            .map_err(io_error(&self.dir.join(rel_path)))
    }

    /// Writes `rel` (checked) beneath the staging folder, making its
    /// folders, or links the previous output's identical file.
    fn write_checked(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        use std::io::Write;

        self.make_folders(rel)?;
        #[cfg(target_os = "linux")]
        if let Some(previous) = &self.previous
            && link_unchanged(previous, &self.dir_fd, rel, bytes)
        {
            return Ok(());
        }
        self.open_new(rel)?.write_all(bytes)
    }

    /// Swaps the staged site in for the target's, then deletes the old one.
    pub fn commit(mut self) -> Result<PublishReport, OutputError> {
        if let Some(error) = self.error.lock().unwrap_or_else(|p| p.into_inner()).take() {
            return Err(error);
        }
        if self.target.exists() {
            swap_in(&self.dir, &self.target, &self.parent, &self.name)?;
        } else {
            fs::rename(&self.dir, &self.target).map_err(io_error(&self.target))?;
        }
        self.committed = true;
        Ok(PublishReport {
            files: self.files.load(Ordering::Relaxed),
            bytes: self.bytes.load(Ordering::Relaxed),
        })
    }
}

/// Counts what goes through it.
struct CountingWriter<W> {
    inner: W,
    bytes: u64,
}

impl<W: io::Write> io::Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += u64::try_from(n).unwrap_or(u64::MAX);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl Sink for Staging {
    fn put_with(
        &self,
        path: &str,
        _size_hint: usize,
        write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) {
        if self.failed() {
            return;
        }
        match self.write_with(path, write) {
            Ok(bytes) => {
                self.files.fetch_add(1, Ordering::Relaxed);
                self.bytes.fetch_add(bytes, Ordering::Relaxed);
            }
            Err(error) => self.fail(error),
        }
    }

    fn put(&self, path: &str, bytes: Vec<u8>) {
        if self.failed() {
            return;
        }
        match self.write(path, &bytes) {
            Ok(()) => {
                self.files.fetch_add(1, Ordering::Relaxed);
                self.bytes.fetch_add(
                    u64::try_from(bytes.len()).unwrap_or(u64::MAX),
                    Ordering::Relaxed,
                );
            }
            Err(error) => self.fail(error),
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            remove_tree(&self.dir);
        }
    }
}

/// Writes `site` into `target`, replacing what was there in one step.
pub fn publish_site(
    site: &RenderedSite,
    root: &Path,
    target: &Path,
    force: bool,
) -> Result<PublishReport, OutputError> {
    let staging = Staging::create(root, target, force, &|_| {})?;
    for (path, bytes) in &site.files {
        staging.put(path, bytes.clone());
    }
    staging.commit()
}

/// `path`, a folder, held open for `*at` calls (never through a link at
/// its last step).
#[cfg(target_os = "linux")]
fn open_folder(path: &Path) -> io::Result<rustix::fd::OwnedFd> {
    use rustix::fs::{Mode, OFlags, open};
    let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    Ok(open(path, flags, Mode::empty())?)
}

/// Hard-links the file `rel` of the previous output (the open folder
/// `previous`) as `rel` of the open folder `staging` when it is a regular
/// file holding exactly `bytes`: no data is copied, the file keeps its
/// modification time (so rsync and HTTP caches see it unchanged), and
/// deleting the old site after the swap frees nothing. Any doubt (a
/// symbolic link anywhere on the way, a different size or content, another
/// file system) means no link.
#[cfg(target_os = "linux")]
fn link_unchanged(
    previous: &rustix::fd::OwnedFd,
    staging: &rustix::fd::OwnedFd,
    rel: &str,
    bytes: &[u8],
) -> bool {
    use std::io::Read;
    use std::os::fd::AsRawFd;

    use rustix::fs::{AtFlags, CWD, FileType, Mode, OFlags, ResolveFlags, fstat, linkat, openat2};

    let flags = OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let resolve = ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS;
    let Ok(fd) = openat2(previous, rel, flags, Mode::empty(), resolve) else {
        return false;
    };
    let same_size = fstat(&fd).is_ok_and(|stat| {
        FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile
            && u64::try_from(stat.st_size).ok() == u64::try_from(bytes.len()).ok()
    });
    if !same_size {
        return false;
    }
    let mut file = fs::File::from(fd);
    let mut buffer = [0u8; 16 * 1024];
    let mut offset = 0;
    loop {
        match file.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                let (Some(read), Some(expected)) = (buffer.get(..n), bytes.get(offset..offset + n))
                else {
                    return false;
                };
                if read != expected {
                    return false;
                }
                offset += n;
            }
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return false,
        }
    }
    // Link the very file that was compared, not whatever the path names
    // by now.
    let opened = format!("/proc/self/fd/{}", file.as_raw_fd());
    offset == bytes.len()
        && linkat(CWD, opened.as_str(), staging, rel, AtFlags::SYMLINK_FOLLOW).is_ok()
}

/// Replaces `target` by `staging`, then deletes the old site.
fn swap_in(staging: &Path, target: &Path, parent: &Path, name: &str) -> Result<(), OutputError> {
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{CWD, RenameFlags, renameat_with};
        if renameat_with(CWD, staging, CWD, target, RenameFlags::EXCHANGE).is_ok() {
            // `staging` now holds the old site.
            remove_tree(staging);
            return Ok(());
        }
    }
    // No atomic exchange here: two renames, with the old site kept until the
    // new one is in place.
    let old = parent.join(format!(".{name}.frictionlog-old-{}", std::process::id()));
    fs::rename(target, &old).map_err(io_error(target))?;
    if let Err(source) = fs::rename(staging, target) {
        let _ = fs::rename(&old, target);
        return Err(OutputError::Io {
            path: target.to_owned(),
            source,
        });
    }
    remove_tree(&old);
    Ok(())
}

/// Makes `folder` (relative, checked) and its parents beneath `dir`; a
/// folder that exists already is fine.
#[cfg(target_os = "linux")]
fn make_folders_at(dir: &rustix::fd::OwnedFd, folder: &str) -> io::Result<()> {
    use rustix::fs::{Mode, mkdirat};
    use rustix::io::Errno;

    let make = || match mkdirat(dir, folder, Mode::from_raw_mode(0o777)) {
        Err(Errno::EXIST) => Ok(()),
        made => made,
    };
    match make() {
        // A parent is missing: make it, then try again.
        Err(Errno::NOENT) => {
            if let Some((up, _)) = folder.rsplit_once('/') {
                make_folders_at(dir, up)?;
            }
            Ok(make()?)
        }
        made => Ok(made?),
    }
}

/// Deletes the folder `dir` and everything in it, as `fs::remove_dir_all`
/// does, but with the entries of each folder shared between the cores (an
/// old site is 10,000 folders of one page each). Errors are ignored: what
/// is left is removed by the next build ([`remove_debris`]).
fn remove_tree(dir: &Path) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;

        let parent = dir.parent().unwrap_or(Path::new("/"));
        let name = dir
            .file_name()
            .and_then(|name| std::ffi::CString::new(name.as_bytes()).ok());
        if let (Some(name), Ok(parent)) = (name, open_folder(parent))
            && remove_tree_at(rustix::fd::AsFd::as_fd(&parent), &name).is_ok()
        {
            return;
        }
    }
    let _ = fs::remove_dir_all(dir);
}

/// Deletes the folder `name` of the open folder `parent` and its contents.
/// Every step is relative to a folder held open, and a symbolic link is
/// removed, never followed, so a link swapped in meanwhile cannot point
/// the deletion elsewhere.
#[cfg(target_os = "linux")]
fn remove_tree_at(parent: rustix::fd::BorrowedFd<'_>, name: &std::ffi::CStr) -> io::Result<()> {
    use rayon::prelude::*;
    use rustix::fd::AsFd;
    use rustix::fs::{AtFlags, Dir, FileType, Mode, OFlags, openat, statat, unlinkat};

    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
    let dir = openat(parent, name, flags, Mode::empty())?;
    let mut entries: Vec<(std::ffi::CString, bool)> = Vec::new();
    for entry in Dir::read_from(&dir)? {
        let entry = entry?;
        let entry_name = entry.file_name();
        if entry_name == c"." || entry_name == c".." {
            continue;
        }
        let is_dir = match entry.file_type() {
            FileType::Directory => true,
            FileType::Unknown => statat(&dir, entry_name, AtFlags::SYMLINK_NOFOLLOW)
                .is_ok_and(|stat| FileType::from_raw_mode(stat.st_mode) == FileType::Directory),
            _ => false,
        };
        entries.push((entry_name.to_owned(), is_dir));
    }
    entries
        .par_iter()
        .try_for_each(|(entry_name, is_dir)| -> io::Result<()> {
            if *is_dir {
                remove_tree_at(dir.as_fd(), entry_name)
            } else {
                Ok(unlinkat(&dir, entry_name.as_c_str(), AtFlags::empty())?)
            }
        })?;
    Ok(unlinkat(parent, name, AtFlags::REMOVEDIR)?)
}

/// Removes staging and old folders left by builds that were killed. Called
/// with the [`OutputLock`] held, so their owners are gone.
fn remove_debris(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        if is_debris_of(&entry.file_name().to_string_lossy(), name) {
            remove_tree(&entry.path());
        }
    }
}

/// Whether `entry` is a staging or old folder of a build into `name`:
/// `.NAME.frictionlog-new-PID` or `.NAME.frictionlog-old-PID`.
fn is_debris_of(entry: &str, name: &str) -> bool {
    let Some(rest) = entry
        .strip_prefix('.')
        .and_then(|rest| rest.strip_prefix(name))
    else {
        return false;
    };
    [".frictionlog-new-", ".frictionlog-old-"]
        .iter()
        .any(|kind| {
            rest.strip_prefix(kind)
                .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_handles_missing_parts_and_dotdot() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        assert_eq!(
            resolve_path(&real.join("a/b/../c")).unwrap(),
            real.join("a/c")
        );
        assert_eq!(resolve_path(&real.join("x/..")).unwrap(), real);
    }

    #[test]
    fn protected_targets_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap().join("site");
        fs::create_dir_all(root.join("content")).unwrap();
        for target in [
            root.clone(),
            root.join("content"),
            root.join("content/x"),
            root.join("themes"),
            dir.path().canonicalize().unwrap(),
        ] {
            assert!(
                matches!(
                    check_target(&root, &target, true),
                    Err(OutputError::Refused { .. })
                ),
                "{}",
                target.display()
            );
        }
        assert!(check_target(&root, &root.join("output"), false).is_ok());
    }

    #[test]
    fn a_foreign_folder_needs_force() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let target = root.join("elsewhere");
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("keep.txt"), "mine").unwrap();
        let site = RenderedSite::default();
        assert!(matches!(
            publish_site(&site, &root.join("site"), &target, false),
            Err(OutputError::NotOurs { .. })
        ));
        assert!(target.join("keep.txt").exists());
    }

    /// A temporary folder: (its guard, its real path, the site root in it,
    /// the default output folder).
    fn scratch() -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        let root = base.join("site");
        let target = root.join("output");
        (dir, base, root, target)
    }

    fn site_of(files: &[(&str, &str)]) -> RenderedSite {
        let mut site = RenderedSite::default();
        site.files.insert(OUTPUT_MARKER.into(), b"x".to_vec());
        for (path, text) in files {
            site.files.insert((*path).into(), text.as_bytes().to_vec());
        }
        site
    }

    #[cfg(target_os = "linux")]
    fn inode(path: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt;
        fs::symlink_metadata(path).unwrap().ino()
    }

    #[test]
    fn a_file_written_in_pieces_is_staged_whole_and_counted() {
        let (_dir, _, root, target) = scratch();
        fs::create_dir_all(&root).unwrap();
        let staging = Staging::create(&root, &target, false, &|_| {}).unwrap();
        staging.put(OUTPUT_MARKER, b"x".to_vec());
        staging.put_with("deep/er/list.html", 0, &mut |out| {
            for piece in ["<ul>", "<li>a</li>", "<li>b</li>", "</ul>"] {
                out.write_all(piece.as_bytes())?;
            }
            Ok(())
        });
        let report = staging.commit().unwrap();
        assert_eq!(
            fs::read_to_string(target.join("deep/er/list.html")).unwrap(),
            "<ul><li>a</li><li>b</li></ul>"
        );
        assert_eq!((report.files, report.bytes), (2, 1 + 29));
    }

    #[test]
    fn a_file_written_in_pieces_cannot_leave_the_output_folder() {
        let (_dir, base, root, target) = scratch();
        fs::create_dir_all(&root).unwrap();
        let staging = Staging::create(&root, &target, false, &|_| {}).unwrap();
        staging.put_with("../escaped.html", 0, &mut |out| out.write_all(b"no"));
        assert!(matches!(staging.commit(), Err(OutputError::Refused { .. })));
        assert!(!base.join("site/escaped.html").exists());
        assert!(!target.exists());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn unchanged_pages_are_linked_from_the_previous_site() {
        let (_dir, _, root, target) = scratch();
        let first = site_of(&[("a/index.html", "same"), ("b.html", "old")]);
        publish_site(&first, &root, &target, false).unwrap();
        let (a, b) = (
            inode(&target.join("a/index.html")),
            inode(&target.join("b.html")),
        );
        let second = site_of(&[("a/index.html", "same"), ("b.html", "new")]);
        publish_site(&second, &root, &target, false).unwrap();
        assert_eq!(inode(&target.join("a/index.html")), a);
        assert_ne!(inode(&target.join("b.html")), b);
        assert_eq!(fs::read(target.join("b.html")).unwrap(), b"new");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_symbolic_link_in_the_previous_site_is_never_linked_or_followed() {
        let (_dir, base, root, target) = scratch();
        publish_site(&site_of(&[("a.html", "page")]), &root, &target, false).unwrap();
        let outside = base.join("secret.txt");
        fs::write(&outside, "page").unwrap();
        fs::remove_file(target.join("a.html")).unwrap();
        std::os::unix::fs::symlink(&outside, target.join("a.html")).unwrap();
        publish_site(&site_of(&[("a.html", "page")]), &root, &target, false).unwrap();
        let published = target.join("a.html");
        assert!(fs::symlink_metadata(&published).unwrap().is_file());
        assert_ne!(inode(&published), inode(&outside));
        assert_eq!(fs::read(&published).unwrap(), b"page");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_symbolic_link_to_a_folder_in_the_previous_site_is_not_followed() {
        let (_dir, base, root, target) = scratch();
        publish_site(&site_of(&[("a/index.html", "page")]), &root, &target, false).unwrap();
        let outside = base.join("elsewhere");
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("index.html"), "page").unwrap();
        fs::remove_dir_all(target.join("a")).unwrap();
        std::os::unix::fs::symlink(&outside, target.join("a")).unwrap();
        publish_site(&site_of(&[("a/index.html", "page")]), &root, &target, false).unwrap();
        let published = target.join("a/index.html");
        assert!(fs::symlink_metadata(target.join("a")).unwrap().is_dir());
        assert_ne!(inode(&published), inode(&outside.join("index.html")));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_folder_frictionlog_did_not_make_lends_no_files() {
        let (_dir, _, root, target) = scratch();
        fs::create_dir_all(&target).unwrap();
        fs::write(target.join("a.html"), "page").unwrap();
        let foreign = inode(&target.join("a.html"));
        publish_site(&site_of(&[("a.html", "page")]), &root, &target, true).unwrap();
        assert_ne!(inode(&target.join("a.html")), foreign);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn removing_an_old_site_deletes_links_without_following_them() {
        use std::os::unix::ffi::OsStrExt;
        let (_dir, base, _, _) = scratch();
        let old = base.join("old");
        for i in 0..50 {
            fs::create_dir_all(old.join(format!("incidents/i{i}"))).unwrap();
            fs::write(old.join(format!("incidents/i{i}/index.html")), "x").unwrap();
        }
        let outside = base.join("outside");
        fs::create_dir_all(&outside).unwrap();
        fs::write(outside.join("keep.txt"), "keep").unwrap();
        std::os::unix::fs::symlink(&outside, old.join("incidents/link")).unwrap();
        std::os::unix::fs::symlink(outside.join("keep.txt"), old.join("file-link")).unwrap();
        let parent = open_folder(&base).unwrap();
        let name = std::ffi::CString::new(old.file_name().unwrap().as_bytes()).unwrap();
        remove_tree_at(rustix::fd::AsFd::as_fd(&parent), &name).unwrap();
        assert!(!old.exists());
        assert_eq!(fs::read(outside.join("keep.txt")).unwrap(), b"keep");
    }

    #[test]
    fn debris_is_only_what_builds_into_the_same_folder_leave() {
        assert!(is_debris_of(".out.frictionlog-new-123", "out"));
        assert!(is_debris_of(".out.frictionlog-old-9", "out"));
        for entry in [
            ".out.frictionlog-lock",
            ".out.frictionlog-new-",
            ".out.frictionlog-new-12x",
            ".out.x.frictionlog-new-12",
            ".output.frictionlog-new-12",
            "out.frictionlog-new-12",
        ] {
            assert!(!is_debris_of(entry, "out"), "{entry}");
        }
    }

    #[test]
    fn a_lock_file_read_before_it_is_taken_holds_only_the_new_pid() {
        let (_dir, base, _, _) = scratch();
        let path = base.join(".out.frictionlog-lock");
        fs::write(&path, "4000000000\n").unwrap();
        let file = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        assert_eq!(read_pid(&file), Some(4_000_000_000));
        write_pid(&file);
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            format!("{}\n", std::process::id())
        );
    }

    #[test]
    fn a_second_lock_waits_and_names_the_first_owner() {
        use std::sync::mpsc;
        let (_dir, base, _, _) = scratch();
        let first = OutputLock::acquire(&base, "out", &|_| panic!("nobody to wait for")).unwrap();
        let lock_file = base.join(".out.frictionlog-lock");
        assert_eq!(
            fs::read_to_string(&lock_file).unwrap().trim(),
            std::process::id().to_string()
        );
        let (told, waited) = mpsc::channel();
        let second = std::thread::spawn(move || {
            let told = Mutex::new(told);
            let lock = OutputLock::acquire(&base, "out", &|pid| {
                let _ = told.lock().unwrap().send(pid);
            });
            lock.map(drop)
        });
        assert_eq!(
            waited.recv_timeout(Duration::from_secs(10)),
            Ok(Some(std::process::id()))
        );
        drop(first);
        second.join().unwrap().unwrap();
        assert!(!lock_file.exists(), "the lock file was left behind");
    }

    #[test]
    fn publishing_replaces_the_previous_site_whole() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap().join("site");
        let target = root.join("output");
        let mut first = RenderedSite::default();
        first.files.insert(OUTPUT_MARKER.into(), b"x".to_vec());
        first.files.insert("old.html".into(), b"old".to_vec());
        publish_site(&first, &root, &target, false).unwrap();
        let mut second = RenderedSite::default();
        second.files.insert(OUTPUT_MARKER.into(), b"x".to_vec());
        second.files.insert("a/new.html".into(), b"new".to_vec());
        publish_site(&second, &root, &target, false).unwrap();
        assert!(!target.join("old.html").exists());
        assert_eq!(fs::read(target.join("a/new.html")).unwrap(), b"new");
        let leftovers: Vec<_> = fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("output")]);
    }
}
