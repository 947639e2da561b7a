//! [`DataDir`]: the server's directory. Holds `admin.token` (mode 0600, made on first
//! start), `taxii.sqlite` (the object store), `live.sqlite` (the live service's state),
//! `report.json` (what gets published) and, optionally, the side inputs the live engine
//! scores with (`accounts.jsonl`, `releases.json`).

use std::io::Write;
use std::path::{Path, PathBuf};

use rand::RngCore;

use crate::error::ServerError;

pub struct DataDir {
    root: PathBuf,
}

/// The admin token and whether this call created it.
pub struct AdminToken {
    pub token: String,
    pub path: PathBuf,
    pub created: bool,
}

fn io_error(path: &Path, source: std::io::Error) -> ServerError {
    ServerError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl DataDir {
    /// Uses `root`, creating it if needed.
    pub fn open(root: &Path) -> Result<DataDir, ServerError> {
        std::fs::create_dir_all(root).map_err(|e| io_error(root, e))?;
        Ok(DataDir {
            root: root.to_path_buf(),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn store_path(&self) -> PathBuf {
        self.root.join("taxii.sqlite")
    }

    pub fn live_path(&self) -> PathBuf {
        self.root.join("live.sqlite")
    }

    pub fn accounts_path(&self) -> PathBuf {
        self.root.join("accounts.jsonl")
    }

    pub fn releases_path(&self) -> PathBuf {
        self.root.join("releases.json")
    }

    pub fn report_path(&self) -> PathBuf {
        self.root.join("report.json")
    }

    pub fn admin_token_path(&self) -> PathBuf {
        self.root.join("admin.token")
    }

    /// Reads `admin.token`, or makes a new random one there (readable by the owner only).
    pub fn admin_token(&self) -> Result<AdminToken, ServerError> {
        let path = self.admin_token_path();
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let token = text.trim().to_string();
                if token.len() < 16 {
                    return Err(ServerError::Config(format!(
                        "{} holds a token shorter than 16 characters",
                        path.display()
                    )));
                }
                return Ok(AdminToken {
                    token,
                    path,
                    created: false,
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error(&path, e)),
        }
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = hex::encode(bytes);
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&path).map_err(|e| io_error(&path, e))?;
        writeln!(file, "{token}").map_err(|e| io_error(&path, e))?;
        Ok(AdminToken {
            token,
            path,
            created: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_token_is_made_once_and_private() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = DataDir::open(&dir.path().join("data")).expect("open");
        let first = data.admin_token().expect("token");
        assert!(first.created);
        assert_eq!(first.token.len(), 64);
        let again = data.admin_token().expect("token");
        assert!(!again.created);
        assert_eq!(again.token, first.token);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&first.path)
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
