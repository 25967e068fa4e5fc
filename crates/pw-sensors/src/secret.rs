//! Bearer tokens in the operating system's keyring, so a scene names a
//! token without holding it: the Secret Service (GNOME Keyring, KWallet)
//! through `secret-tool` on Linux, the login keychain through `security` on
//! macOS — programs of the system, asked only when a scene wants a keyring
//! token —, and the Windows Credential Manager through its Win32 API.

use crate::SensorError;
#[cfg(not(windows))]
use std::io::Write;
#[cfg(not(windows))]
use std::process::{Command, Stdio};

/// Entries are stored under this service, with the name as account.
pub const SERVICE: &str = "planwerkstatt";

fn not_found(name: &str, why: &str) -> SensorError {
    SensorError::Payload(format!(
        "no token named {name:?} in the keyring{}: store it with \
         `planwerkstatt sensors token {name}`",
        if why.is_empty() {
            String::new()
        } else {
            format!(" ({why})")
        }
    ))
}

#[cfg(windows)]
mod windows {
    use super::{SERVICE, SensorError, not_found};

    fn entry(name: &str) -> Result<keyring::Entry, SensorError> {
        keyring::Entry::new(SERVICE, name)
            .map_err(|e| SensorError::Payload(format!("Windows Credential Manager: {e}")))
    }

    pub fn lookup(name: &str) -> Result<String, SensorError> {
        entry(name)?.get_password().map_err(|e| match e {
            keyring::Error::NoEntry => not_found(name, ""),
            other => SensorError::Payload(format!("Windows Credential Manager: {other}")),
        })
    }

    pub fn store(name: &str, token: &str) -> Result<(), SensorError> {
        entry(name)?
            .set_password(token)
            .map_err(|e| SensorError::Payload(format!("Windows Credential Manager: {e}")))
    }
}

#[cfg(not(windows))]
fn missing(tool: &str, package: &str) -> SensorError {
    SensorError::Payload(format!(
        "the keyring program {tool} is not installed ({package}); install it or give the token \
         through an environment variable (token_env)"
    ))
}

/// The token stored as `name`.
pub fn lookup(name: &str) -> Result<String, SensorError> {
    #[cfg(windows)]
    return windows::lookup(name);
    #[cfg(not(windows))]
    command_lookup(name)
}

/// Stores (or replaces) the token `name`.
pub fn store(name: &str, token: &str) -> Result<(), SensorError> {
    #[cfg(windows)]
    return windows::store(name, token);
    #[cfg(not(windows))]
    command_store(name, token)
}

#[cfg(not(windows))]
fn command_lookup(name: &str) -> Result<String, SensorError> {
    let (tool, args, package) = if cfg!(target_os = "macos") {
        (
            "security",
            vec!["find-generic-password", "-s", SERVICE, "-a", name, "-w"],
            "part of macOS",
        )
    } else {
        (
            "secret-tool",
            vec!["lookup", "service", SERVICE, "account", name],
            "Debian/Ubuntu: libsecret-tools",
        )
    };
    let out = Command::new(tool)
        .args(&args)
        .stdin(Stdio::null())
        .output()
        .map_err(|_| missing(tool, package))?;
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() || token.is_empty() {
        return Err(not_found(name, String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(token)
}

#[cfg(not(windows))]
fn command_store(name: &str, token: &str) -> Result<(), SensorError> {
    let label = format!("Planwerkstatt: {name}");
    let (tool, args, package, stdin) = if cfg!(target_os = "macos") {
        (
            "security",
            vec![
                "add-generic-password",
                "-U",
                "-s",
                SERVICE,
                "-a",
                name,
                "-l",
                &label,
                "-w",
                token,
            ],
            "part of macOS",
            false,
        )
    } else {
        (
            "secret-tool",
            vec![
                "store", "--label", &label, "service", SERVICE, "account", name,
            ],
            "Debian/Ubuntu: libsecret-tools",
            true,
        )
    };
    let mut child = Command::new(tool)
        .args(&args)
        .stdin(if stdin { Stdio::piped() } else { Stdio::null() })
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|_| missing(tool, package))?;
    if let Some(mut input) = child.stdin.take() {
        // The secret goes through a pipe, never the command line.
        input
            .write_all(token.as_bytes())
            .map_err(|e| SensorError::Payload(format!("{tool}: {e}")))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| SensorError::Payload(format!("{tool}: {e}")))?;
    if !out.status.success() {
        return Err(SensorError::Payload(format!(
            "the keyring refused to store {name:?}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(())
}
