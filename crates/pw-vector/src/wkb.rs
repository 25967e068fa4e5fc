//! Well-known binary (ISO and EWKB flavours, 2D/Z/M/ZM), as GeoPackage
//! stores it behind its own small header. Bounds-checked: a broken blob is
//! an error for that feature, never a panic.

use crate::model::{Coord, Geometry, Polygon};
use pw_text::Message;

struct Cursor<'a> {
    b: &'a [u8],
    at: usize,
    little: bool,
}

impl Cursor<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], Message> {
        let s = self
            .b
            .get(self.at..self.at + N)
            .ok_or_else(|| Message::new("vector.wkb.ends_early").english("WKB ends early"))?;
        self.at += N;
        Ok(s.try_into().unwrap())
    }
    fn u32(&mut self) -> Result<u32, Message> {
        let b = self.take::<4>()?;
        Ok(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }
    fn f64(&mut self) -> Result<f64, Message> {
        let b = self.take::<8>()?;
        Ok(if self.little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }
    fn count(&mut self) -> Result<usize, Message> {
        let n = self.u32()? as usize;
        // Each element needs at least 8 bytes: refuse absurd counts early.
        if n > (self.b.len() - self.at) / 8 + 1 {
            return Err(Message::new("vector.wkb.too_many")
                .arg("count", n)
                .english("WKB claims {count} elements, more than the blob holds"));
        }
        Ok(n)
    }
}

pub fn parse(b: &[u8]) -> Result<Option<Geometry>, Message> {
    let mut c = Cursor {
        b,
        at: 0,
        little: true,
    };
    geometry(&mut c, 0)
}

fn geometry(c: &mut Cursor, depth: usize) -> Result<Option<Geometry>, Message> {
    if depth > 8 {
        return Err(Message::new("vector.wkb.too_deep").english("WKB nested too deep"));
    }
    c.little = c.take::<1>()?[0] == 1;
    let raw = c.u32()?;
    let (mut z, mut m) = (raw & 0x8000_0000 != 0, raw & 0x4000_0000 != 0);
    let mut t = raw & 0x0FFF_FFFF;
    match t / 1000 {
        1 => z = true,
        2 => m = true,
        3 => (z, m) = (true, true),
        _ => {}
    }
    t %= 1000;
    let point = |c: &mut Cursor| -> Result<Coord, Message> {
        let x = c.f64()?;
        let y = c.f64()?;
        let zz = if z { c.f64()? } else { f64::NAN };
        if m {
            c.f64()?;
        }
        Ok([x, y, zz])
    };
    let line = |c: &mut Cursor| -> Result<Vec<Coord>, Message> {
        let n = c.count()?;
        (0..n).map(|_| point(c)).collect()
    };
    let polygon = |c: &mut Cursor| -> Result<Polygon, Message> {
        let n = c.count()?;
        let mut rings: Vec<Vec<Coord>> = (0..n).map(|_| line(c)).collect::<Result<_, _>>()?;
        if rings.is_empty() {
            return Err(Message::new("vector.wkb.no_rings").english("polygon without rings"));
        }
        let exterior = rings.remove(0);
        Ok(Polygon {
            exterior,
            interiors: rings,
        })
    };
    Ok(Some(match t {
        1 => {
            let p = point(c)?;
            // An empty point is NaN, NaN.
            if p[0].is_nan() {
                return Ok(None);
            }
            Geometry::Points(vec![p])
        }
        2 => Geometry::Lines(vec![line(c)?]),
        3 => Geometry::Polygons(vec![polygon(c)?]),
        4..=7 => {
            let n = c.count()?;
            let mut parts = Vec::new();
            for _ in 0..n {
                if let Some(g) = geometry(c, depth + 1)? {
                    parts.push(g);
                }
            }
            return Ok(crate::model::merge_parts(parts));
        }
        other => {
            return Err(Message::new("vector.wkb.unsupported")
                .arg("type", other)
                .english("WKB geometry type {type} is not supported"));
        }
    }))
}

/// The WKB inside a GeoPackage geometry blob (after "GP", flags, srs, envelope).
pub fn gpkg(blob: &[u8]) -> Result<Option<Geometry>, Message> {
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err(Message::new("vector.wkb.no_gp_header")
            .english("not a GeoPackage geometry (no \"GP\" header)"));
    }
    let flags = blob[3];
    if flags & 0x10 != 0 {
        return Ok(None); // empty geometry
    }
    let envelope = match (flags >> 1) & 0x07 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        e => {
            return Err(Message::new("vector.wkb.bad_envelope")
                .arg("code", e)
                .english("GeoPackage envelope code {code} is invalid"));
        }
    };
    let start = 8 + envelope;
    parse(blob.get(start..).ok_or_else(|| {
        Message::new("vector.wkb.header_cut_off").english("GeoPackage geometry ends in its header")
    })?)
}
