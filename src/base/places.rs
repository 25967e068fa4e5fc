//! Where the user's own files go: pictures, exported results, a scene saved
//! under a new name. Beside the user's scene; for a scene that came with the
//! program (the bundled demos, possibly in a read-only install) into the
//! user's documents instead, never into the program's own folders.

use std::path::{Path, PathBuf};

/// The program's bundled scenes (`scenes/` of the source tree or of the
/// working directory of an installed copy).
fn bundled_dirs() -> Vec<PathBuf> {
    [
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenes"),
        PathBuf::from("scenes"),
    ]
    .iter()
    .filter_map(|d| std::fs::canonicalize(d).ok())
    .collect()
}

/// `$PLANWERKSTATT_DOCUMENTS_DIR`, else `$XDG_DOCUMENTS_DIR`, else
/// `~/Dokumente` or `~/Documents` (whichever exists), each with a
/// `Planwerkstatt` folder.
pub fn documents_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("PLANWERKSTATT_DOCUMENTS_DIR") {
        return PathBuf::from(d);
    }
    let base = std::env::var_os("XDG_DOCUMENTS_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            let home = PathBuf::from(std::env::var_os("HOME").or(std::env::var_os("USERPROFILE"))?);
            ["Dokumente", "Documents"]
                .iter()
                .map(|d| home.join(d))
                .find(|d| d.is_dir())
                .or(Some(home))
        })
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("Planwerkstatt")
}

/// The folder for the user's files of `scene` (None: a scene never saved).
pub fn user_folder(scene: Option<&Path>) -> PathBuf {
    user_folder_with(scene, &bundled_dirs(), &documents_dir())
}

/// [`user_folder`] with the bundled folders and documents given (tests).
pub fn user_folder_with(scene: Option<&Path>, bundled: &[PathBuf], documents: &Path) -> PathBuf {
    let dir = scene
        .and_then(|s| std::path::absolute(s).ok())
        .and_then(|s| s.parent().map(Path::to_path_buf));
    match dir {
        Some(dir) => {
            let canonical = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
            if bundled.contains(&canonical) {
                documents.to_path_buf()
            } else {
                dir
            }
        }
        None => documents.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_users_files_go_beside_the_users_scene_never_into_the_program() {
        let program = std::env::temp_dir().join(format!("pw-places-{}", std::process::id()));
        let bundled = program.join("scenes");
        let mine = program.join("projekte/jena");
        std::fs::create_dir_all(&bundled).unwrap();
        std::fs::create_dir_all(&mine).unwrap();
        let bundled_dirs = vec![std::fs::canonicalize(&bundled).unwrap()];
        let documents = Path::new("/home/planung/Dokumente/Planwerkstatt");
        let at = |scene: Option<&Path>| user_folder_with(scene, &bundled_dirs, documents);
        assert_eq!(at(Some(&bundled.join("demo.scene"))), documents);
        assert_eq!(at(Some(&mine.join("markt.scene"))), mine);
        assert_eq!(at(None), documents);
        std::fs::remove_dir_all(&program).ok();
    }
}
