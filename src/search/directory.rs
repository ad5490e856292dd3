//! Where a generation's files live: on disk, written through tantivy's own directory, but read
//! into memory when a segment opens instead of being mapped.
//!
//! A mapped file that is truncated or damaged under a running server kills the process with
//! SIGBUS at the next search touching it; a file read once into memory cannot change under a
//! search, and a damaged one fails its checksum or its read, which the index reports and heals
//! from (see [`super::SearchIndex`]). The index is small (about 21 MB at 100,000 needs), and
//! its files are write-once: each is read once and kept while tantivy uses it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tantivy::directory::error::{DeleteError, OpenDirectoryError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    Directory, FileHandle, MmapDirectory, OwnedBytes, WatchCallback, WatchHandle, WritePtr,
};

#[derive(Clone, Debug)]
pub struct ReadIntoMemory {
    inner: MmapDirectory,
    root: PathBuf,
    /// Files read so far, by relative path; dropped when tantivy deletes the file.
    files: Arc<Mutex<HashMap<PathBuf, OwnedBytes>>>,
}

impl ReadIntoMemory {
    pub fn open(path: &Path) -> Result<Self, OpenDirectoryError> {
        Ok(Self {
            inner: MmapDirectory::open(path)?,
            root: path.to_path_buf(),
            files: Arc::default(),
        })
    }
}

impl Directory for ReadIntoMemory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(bytes) = files.get(path) {
            return Ok(Arc::new(bytes.clone()));
        }
        let bytes = match std::fs::read(self.root.join(path)) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(OpenReadError::FileDoesNotExist(path.to_path_buf()))
            }
            Err(e) => return Err(OpenReadError::wrap_io_error(e, path.to_path_buf())),
        };
        let bytes = OwnedBytes::new(bytes);
        files.insert(path.to_path_buf(), bytes.clone());
        Ok(Arc::new(bytes))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(path);
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        // A file written again (never by tantivy, which writes once) is read afresh.
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(path);
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.inner.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> std::io::Result<()> {
        self.inner.sync_directory()
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }

    /// The disk directory's own lock (an advisory file lock the system drops when its process
    /// dies), not the default one made of a file's existence, which a killed server would leave
    /// behind and lock the index for good.
    fn acquire_lock(
        &self,
        lock: &tantivy::directory::Lock,
    ) -> Result<tantivy::directory::DirectoryLock, tantivy::directory::error::LockError> {
        self.inner.acquire_lock(lock)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A truncated file after it was opened changes nothing for the reader (no SIGBUS), and a
    /// file opened after truncation is read as it is now (its checksum then fails).
    #[test]
    fn files_are_read_once_into_memory() {
        let dir = tempfile_dir();
        std::fs::write(dir.join("a.bin"), vec![7u8; 4096]).unwrap();
        let d = ReadIntoMemory::open(&dir).unwrap();
        let slice = d.open_read(Path::new("a.bin")).unwrap();
        std::fs::write(dir.join("a.bin"), b"").unwrap();
        assert_eq!(slice.read_bytes().unwrap().as_slice(), &[7u8; 4096][..]);
        assert!(matches!(
            d.open_read(Path::new("missing.bin")),
            Err(OpenReadError::FileDoesNotExist(_))
        ));
        d.delete(Path::new("a.bin")).unwrap();
        assert!(!dir.join("a.bin").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    fn tempfile_dir() -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("niaz-dir-test-{}", crate::auth::random_token()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
