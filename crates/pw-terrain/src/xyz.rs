//! ASCII XYZ grids as the German states deliver DGM1 ("x y z" per line,
//! one point per cell centre, 1 m apart, often space- or comma-separated,
//! sorted by rows or by columns). Irregular spacing is refused with the
//! line where it shows.

use crate::grid::{DemError, Grid, file_error, said, system};
use std::path::Path;

pub fn read_file(path: &Path) -> Result<Grid, DemError> {
    let text = std::fs::read_to_string(path).map_err(|e| file_error(path, system(e)))?;
    read(&text).map_err(|m| file_error(path, m))
}

pub fn read(text: &str) -> Result<Grid, pw_text::Message> {
    let mut points: Vec<(f64, f64, f32)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut it = line
            .split(|c: char| c.is_ascii_whitespace() || c == ',' || c == ';')
            .filter(|s| !s.is_empty());
        let mut num = || it.next().and_then(|s| s.parse::<f64>().ok());
        match (num(), num(), num()) {
            (Some(x), Some(y), Some(z)) => points.push((x, y, z as f32)),
            _ if points.is_empty() => continue, // a header line
            _ => {
                return Err(pw_text::Message::new("terrain.xyz.not_three_numbers")
                    .arg("line", n + 1)
                    .arg("text", format!("{line:?}"))
                    .english("line {line}: not three numbers: {text}"));
            }
        }
    }
    if points.len() < 4 {
        return Err(said(
            "terrain.xyz.too_few",
            "fewer than 4 points: not a grid",
        ));
    }
    let spacing = |coords: &mut Vec<f64>| -> Result<(f64, f64, usize), pw_text::Message> {
        coords.sort_by(f64::total_cmp);
        coords.dedup_by(|a, b| (*a - *b).abs() < 1e-6);
        if coords.len() < 2 {
            return Err(said("terrain.xyz.one_line", "all points lie on one line"));
        }
        let step = coords[1] - coords[0];
        for w in coords.windows(2) {
            if ((w[1] - w[0]) - step).abs() > step * 1e-3 {
                return Err(pw_text::Message::new("terrain.xyz.irregular")
                    .arg("from", w[0])
                    .arg("to", w[1])
                    .arg("step", step)
                    .english(
                        "irregular spacing: {from} to {to} is not {step} m; resample to a regular grid first",
                    ));
            }
        }
        Ok((coords[0], step, coords.len()))
    };
    let mut xs: Vec<f64> = points.iter().map(|p| p.0).collect();
    let mut ys: Vec<f64> = points.iter().map(|p| p.1).collect();
    let (xmin, dx, width) = spacing(&mut xs)?;
    let (ymin, dy, height) = spacing(&mut ys)?;
    let ymax = ymin + dy * (height - 1) as f64;
    let mut values = vec![f32::NAN; width * height];
    for (x, y, z) in points {
        let c = ((x - xmin) / dx).round() as usize;
        let r = ((ymax - y) / dy).round() as usize;
        values[r * width + c] = z;
    }
    Ok(Grid {
        width,
        height,
        // Points are cell centres.
        x0: xmin - dx / 2.0,
        y0: ymax + dy / 2.0,
        dx,
        dy,
        values,
        crs: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dgm_style_lines_in_any_order() {
        let g = read("x y z\n681000.5 5644000.5 150.25\n681001.5 5644000.5 151.0\n681000.5 5644001.5 152.0\n681001.5,5644001.5,153.5\n").unwrap();
        assert_eq!((g.width, g.height, g.dx, g.dy), (2, 2, 1.0, 1.0));
        assert_eq!((g.x0, g.y0), (681_000.0, 5_644_002.0));
        assert_eq!(g.value(0, 0), Some(152.0), "north-west cell first");
        assert_eq!(g.value(1, 1), Some(151.0));
    }

    #[test]
    fn irregular_spacing_and_broken_lines_are_named() {
        let e = read("0 0 1\n1 0 1\n3 0 1\n0 1 1\n1 1 1\n3 1 1\n").unwrap_err();
        assert_eq!(e.key, "terrain.xyz.irregular");
        assert!(e.to_string().contains("irregular spacing"), "{e}");
        let e = read("0 0 1\n1 0 1\n0 1 x\n").unwrap_err();
        assert!(e.to_string().contains("line 3"), "{e}");
        assert!(read("").is_err());
    }
}
