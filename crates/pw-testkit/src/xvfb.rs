//! A virtual X display for the real app under Mesa's lavapipe (the CPU
//! renders): screenshot tests and the flight benchmark.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Mesa's software Vulkan driver.
pub const LAVAPIPE: &str = "/usr/share/vulkan/icd.d/lvp_icd.x86_64.json";

/// A running Xvfb, stopped when dropped.
pub struct Xvfb {
    child: Child,
    /// ":N", for `DISPLAY`.
    pub display: String,
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Xvfb {
    /// Starts Xvfb (1600 × 1000) on a free display number (it writes the
    /// number to stdout).
    pub fn start() -> Xvfb {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1600x1000x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect(
                "Xvfb is not installed: apt-get install xvfb mesa-vulkan-drivers (see .ci/run)",
            );
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .expect("Xvfb did not report its display");
        assert!(line.trim().parse::<u32>().is_ok(), "Xvfb printed '{line}'");
        Xvfb {
            child,
            display: format!(":{}", line.trim()),
        }
    }

    /// Runs `command` on this display with lavapipe (and a private
    /// runtime folder `runtime`, which winit and wgpu want).
    pub fn prepare<'a>(
        &self,
        command: &'a mut Command,
        runtime: &std::path::Path,
    ) -> &'a mut Command {
        std::fs::create_dir_all(runtime).expect("runtime folder");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(runtime, std::fs::Permissions::from_mode(0o700));
        }
        command
            .env("DISPLAY", &self.display)
            .env("VK_ICD_FILENAMES", LAVAPIPE)
            .env("WGPU_BACKEND", "vulkan")
            .env("XDG_RUNTIME_DIR", runtime)
            .env_remove("WAYLAND_DISPLAY")
    }
}
