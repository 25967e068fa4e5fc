//! Bearer tokens in the operating system's keyring, so a scene names a
//! token without holding it: the Secret Service (GNOME Keyring, KWallet)
//! through `secret-tool` on Linux (the token through a pipe), the login
//! keychain on macOS and the Windows Credential Manager through their
//! system APIs (the `keyring` crate): a token is never an argument of a
//! program, where `ps` would show it.

use crate::SensorError;
#[cfg(not(any(windows, target_os = "macos")))]
use std::io::Write;
#[cfg(not(any(windows, target_os = "macos")))]
use std::process::{Command, Stdio};

/// Entries are stored under this service, with the name as account.
pub const SERVICE: &str = "planwerkstatt";

fn not_found(name: &str, why: &str) -> SensorError {
    SensorError::NoToken {
        name: name.into(),
        why: why.into(),
    }
}

#[cfg(any(windows, target_os = "macos"))]
mod native {
    use super::{SERVICE, SensorError, not_found};

    const KEYRING: &str = if cfg!(windows) {
        "Windows Credential Manager"
    } else {
        "macOS keychain"
    };

    fn entry(name: &str) -> Result<keyring::Entry, SensorError> {
        keyring::Entry::new(SERVICE, name).map_err(|e| SensorError::Keyring {
            store: KEYRING,
            why: e.to_string(),
        })
    }

    pub fn lookup(name: &str) -> Result<String, SensorError> {
        entry(name)?.get_password().map_err(|e| match e {
            keyring::Error::NoEntry => not_found(name, ""),
            other => SensorError::Keyring {
                store: KEYRING,
                why: other.to_string(),
            },
        })
    }

    pub fn store(name: &str, token: &str) -> Result<(), SensorError> {
        entry(name)?
            .set_password(token)
            .map_err(|e| SensorError::Keyring {
                store: KEYRING,
                why: e.to_string(),
            })
    }
}

#[cfg(not(any(windows, target_os = "macos")))]
fn missing(tool: &'static str, package: &'static str) -> SensorError {
    SensorError::NoKeyringProgram { tool, package }
}

/// The token stored as `name`.
pub fn lookup(name: &str) -> Result<String, SensorError> {
    #[cfg(any(windows, target_os = "macos"))]
    return native::lookup(name);
    #[cfg(not(any(windows, target_os = "macos")))]
    command_lookup(name)
}

/// Stores (or replaces) the token `name`.
pub fn store(name: &str, token: &str) -> Result<(), SensorError> {
    #[cfg(any(windows, target_os = "macos"))]
    return native::store(name, token);
    #[cfg(not(any(windows, target_os = "macos")))]
    command_store(name, token)
}

#[cfg(not(any(windows, target_os = "macos")))]
fn command_lookup(name: &str) -> Result<String, SensorError> {
    let (tool, package) = ("secret-tool", "Debian/Ubuntu: libsecret-tools");
    let out = Command::new(tool)
        .args(["lookup", "service", SERVICE, "account", name])
        .stdin(Stdio::null())
        .output()
        .map_err(|_| missing(tool, package))?;
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() || token.is_empty() {
        return Err(not_found(name, String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(token)
}

#[cfg(not(any(windows, target_os = "macos")))]
fn command_store(name: &str, token: &str) -> Result<(), SensorError> {
    let label = format!("Planwerkstatt: {name}");
    let (tool, package) = ("secret-tool", "Debian/Ubuntu: libsecret-tools");
    let mut child = Command::new(tool)
        .args([
            "store", "--label", &label, "service", SERVICE, "account", name,
        ])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|_| missing(tool, package))?;
    if let Some(mut input) = child.stdin.take() {
        // The secret goes through a pipe, never the command line.
        input
            .write_all(token.as_bytes())
            .map_err(|e| SensorError::Keyring {
                store: tool,
                why: e.to_string(),
            })?;
    }
    let out = child.wait_with_output().map_err(|e| SensorError::Keyring {
        store: tool,
        why: e.to_string(),
    })?;
    if !out.status.success() {
        return Err(SensorError::Keyring {
            store: tool,
            why: format!(
                "refused to store {name:?}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        });
    }
    Ok(())
}
