//! What the command-line tests share: running the program as a user does.

use std::process::Command;

/// Runs `planwerkstatt` with `args` from the repository root: exit code,
/// standard output, standard error.
pub fn planwerkstatt(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_planwerkstatt"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run planwerkstatt");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
