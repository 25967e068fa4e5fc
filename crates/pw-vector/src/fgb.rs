//! FlatGeobuf (flatgeobuf.org, spec 3.x): magic, a size-prefixed FlatBuffers
//! header (columns, CRS, geometry type), an optional packed Hilbert R-tree,
//! then size-prefixed features with flat coordinate arrays and a binary
//! property buffer. Read with a small bounds-checked FlatBuffers walker of
//! our own (the format needs four tables): a broken feature is an issue for
//! that feature, never a panic, and the features before it are kept.

use crate::model::{Coord, Feature, Field, FieldKind, Geometry, Polygon, Value, VectorData};
use pw_text::Message;

const MAGIC: [u8; 3] = *b"fgb";
/// One packed R-tree node: min x, min y, max x, max y, offset.
const NODE_BYTES: u64 = 40;

/// A FlatBuffers table: its position and vtable inside `buf`.
#[derive(Clone, Copy)]
struct Table<'a> {
    buf: &'a [u8],
    at: usize,
    vtable: usize,
    vtable_len: usize,
}

// The walker's faults all mean a damaged file; a few texts say where.
fn offset_outside() -> Message {
    Message::new("vector.fgb.offset_outside").english("FlatBuffers offset outside the buffer")
}

fn field_outside() -> Message {
    Message::new("vector.fgb.field_outside").english("FlatBuffers field outside the buffer")
}

fn u16_at(b: &[u8], at: usize) -> Result<u16, Message> {
    b.get(at..at + 2)
        .map(|s| u16::from_le_bytes([s[0], s[1]]))
        .ok_or_else(offset_outside)
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, Message> {
    b.get(at..at + 4)
        .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or_else(offset_outside)
}

impl<'a> Table<'a> {
    fn at(buf: &'a [u8], at: usize) -> Result<Table<'a>, Message> {
        let soffset = u32_at(buf, at)? as i32 as i64;
        let vtable = at as i64 - soffset;
        if vtable < 0 {
            return Err(Message::new("vector.fgb.vtable_outside")
                .english("FlatBuffers vtable outside the buffer"));
        }
        let vtable = vtable as usize;
        let vtable_len = u16_at(buf, vtable)? as usize;
        Ok(Table {
            buf,
            at,
            vtable,
            vtable_len,
        })
    }

    fn root(buf: &'a [u8]) -> Result<Table<'a>, Message> {
        Table::at(buf, u32_at(buf, 0)? as usize)
    }

    /// Absolute position of field `slot`, None when absent.
    fn field(&self, slot: usize) -> Result<Option<usize>, Message> {
        let entry = 4 + 2 * slot;
        if entry + 2 > self.vtable_len {
            return Ok(None);
        }
        let off = u16_at(self.buf, self.vtable + entry)? as usize;
        Ok((off != 0).then_some(self.at + off))
    }

    fn u8_or(&self, slot: usize, default: u8) -> Result<u8, Message> {
        Ok(match self.field(slot)? {
            Some(p) => *self.buf.get(p).ok_or_else(field_outside)?,
            None => default,
        })
    }

    fn u16_or(&self, slot: usize, default: u16) -> Result<u16, Message> {
        self.field(slot)?
            .map_or(Ok(default), |p| u16_at(self.buf, p))
    }

    fn i32_or(&self, slot: usize, default: i32) -> Result<i32, Message> {
        self.field(slot)?
            .map_or(Ok(default), |p| u32_at(self.buf, p).map(|v| v as i32))
    }

    fn u64_or(&self, slot: usize, default: u64) -> Result<u64, Message> {
        match self.field(slot)? {
            Some(p) => self
                .buf
                .get(p..p + 8)
                .map(|s| u64::from_le_bytes(s.try_into().unwrap()))
                .ok_or_else(field_outside),
            None => Ok(default),
        }
    }

    /// Follows the uoffset stored in field `slot`.
    fn indirect(&self, slot: usize) -> Result<Option<usize>, Message> {
        match self.field(slot)? {
            Some(p) => Ok(Some(p + u32_at(self.buf, p)? as usize)),
            None => Ok(None),
        }
    }

    /// A vector field: (first element position, length); checked to fit
    /// `elem` bytes per element.
    fn vector(&self, slot: usize, elem: usize) -> Result<Option<(usize, usize)>, Message> {
        let Some(p) = self.indirect(slot)? else {
            return Ok(None);
        };
        let len = u32_at(self.buf, p)? as usize;
        let start = p + 4;
        if start
            .checked_add(len.checked_mul(elem).ok_or_else(|| {
                Message::new("vector.fgb.vector_too_long").english("vector too long")
            })?)
            .is_none_or(|end| end > self.buf.len())
        {
            return Err(Message::new("vector.fgb.vector_outside")
                .english("FlatBuffers vector longer than the buffer"));
        }
        Ok(Some((start, len)))
    }

    fn bytes(&self, slot: usize) -> Result<Option<&'a [u8]>, Message> {
        Ok(self
            .vector(slot, 1)?
            .map(|(start, len)| &self.buf[start..start + len]))
    }

    fn string(&self, slot: usize) -> Result<Option<String>, Message> {
        Ok(self
            .bytes(slot)?
            .map(|b| String::from_utf8_lossy(b).into_owned()))
    }

    fn f64s(&self, slot: usize) -> Result<Vec<f64>, Message> {
        Ok(match self.vector(slot, 8)? {
            Some((start, len)) => self.buf[start..start + 8 * len]
                .chunks_exact(8)
                .map(|c| f64::from_le_bytes(c.try_into().unwrap()))
                .collect(),
            None => Vec::new(),
        })
    }

    fn u32s(&self, slot: usize) -> Result<Vec<u32>, Message> {
        Ok(match self.vector(slot, 4)? {
            Some((start, len)) => self.buf[start..start + 4 * len]
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
                .collect(),
            None => Vec::new(),
        })
    }

    fn tables(&self, slot: usize) -> Result<Vec<Table<'a>>, Message> {
        let Some((start, len)) = self.vector(slot, 4)? else {
            return Ok(Vec::new());
        };
        (0..len)
            .map(|i| {
                let p = start + 4 * i;
                Table::at(self.buf, p + u32_at(self.buf, p)? as usize)
            })
            .collect()
    }

    fn table(&self, slot: usize) -> Result<Option<Table<'a>>, Message> {
        self.indirect(slot)?
            .map(|p| Table::at(self.buf, p))
            .transpose()
    }
}

/// Column types in header order (ColumnType enum).
#[derive(Debug, Clone, Copy, PartialEq)]
enum ColumnType {
    Byte,
    UByte,
    Bool,
    Short,
    UShort,
    Int,
    UInt,
    Long,
    ULong,
    Float,
    Double,
    String,
    Json,
    DateTime,
    Binary,
}

impl ColumnType {
    fn from_u8(v: u8) -> Option<ColumnType> {
        use ColumnType::*;
        [
            Byte, UByte, Bool, Short, UShort, Int, UInt, Long, ULong, Float, Double, String, Json,
            DateTime, Binary,
        ]
        .get(v as usize)
        .copied()
    }

    fn kind(self) -> FieldKind {
        use ColumnType::*;
        match self {
            Byte | UByte | Short | UShort | Int | UInt | Long | ULong => FieldKind::Integer,
            Float | Double => FieldKind::Real,
            Bool => FieldKind::Boolean,
            DateTime => FieldKind::Date,
            String | Json | Binary => FieldKind::Text,
        }
    }
}

struct Header {
    geometry_type: u8,
    has_z: bool,
    columns: Vec<(String, ColumnType)>,
    features_count: u64,
    index_node_size: u16,
}

fn columns_of(tables: Vec<Table>) -> Result<Vec<(String, ColumnType)>, Message> {
    tables
        .iter()
        .map(|c| {
            let name = c.string(0)?.unwrap_or_default();
            let raw = c.u8_or(1, 0)?;
            let ty = ColumnType::from_u8(raw).ok_or_else(|| {
                Message::new("vector.fgb.unknown_column_type")
                    .arg("name", &name)
                    .arg("type", raw)
                    .english("column \"{name}\" has unknown type {type}")
            })?;
            Ok((name, ty))
        })
        .collect()
}

/// Bytes of the packed Hilbert R-tree that follows the header.
fn index_size(features: u64, node_size: u16) -> Option<u64> {
    if node_size == 0 || features == 0 {
        return Some(0);
    }
    let node_size = u64::from(node_size.max(2));
    let (mut level, mut nodes) = (features, features);
    // A do-while, as the packed R-tree counts: one feature still gets a root.
    loop {
        level = level.div_ceil(node_size);
        nodes = nodes.checked_add(level)?;
        if level == 1 {
            break;
        }
    }
    nodes.checked_mul(NODE_BYTES)
}

pub fn read_bytes(bytes: &[u8]) -> Result<VectorData, Message> {
    if bytes.len() < 8 || bytes[..3] != MAGIC || bytes[4..7] != MAGIC {
        return Err(Message::new("vector.fgb.not_fgb")
            .english("not a FlatGeobuf file (the magic bytes \"fgb\" are missing)"));
    }
    if bytes[3] != 3 {
        return Err(Message::new("vector.fgb.version")
            .arg("version", bytes[3])
            .english(
                "FlatGeobuf version {version} is not supported (3 is); convert with a current GDAL",
            ));
    }
    let header_len = u32_at(bytes, 8)? as usize;
    let header_buf = bytes.get(12..12 + header_len).ok_or_else(|| {
        Message::new("vector.fgb.header_cut_off").english("the FlatGeobuf header is cut off")
    })?;
    let in_header = |e: Message| {
        Message::new("vector.fgb.in_header")
            .arg_message("error", e)
            .english("header: {error}")
    };
    let h = Table::root(header_buf).map_err(in_header)?;
    let header = Header {
        geometry_type: h.u8_or(2, 0)?,
        has_z: h.u8_or(3, 0)? != 0,
        columns: columns_of(h.tables(7)?).map_err(in_header)?,
        features_count: h.u64_or(8, 0)?,
        index_node_size: h.u16_or(9, 16)?,
    };
    let mut data = VectorData::new("FlatGeobuf");
    if let Some(crs) = h.table(10)? {
        let org = crs.string(0)?.unwrap_or_else(|| "EPSG".into());
        let code = crs.i32_or(1, 0)?;
        let wkt = crs.string(4)?;
        if code > 0 {
            data.crs_text = Some(format!("{org}:{code}"));
            if org.eq_ignore_ascii_case("EPSG") {
                data.crs = Some(pw_geo::Crs::epsg(code as u32));
            }
        }
        if data.crs.is_none()
            && let Some(wkt) = &wkt
        {
            data.crs_text.get_or_insert_with(|| wkt.clone());
            data.crs = crate::prj::crs_of_wkt(wkt).ok();
        }
        if data.crs.is_none() && data.crs_text.is_some() {
            data.issues.push(crate::gml::unknown_crs(
                data.crs_text.as_deref().unwrap_or("?"),
            ));
        }
    }
    data.fields = header
        .columns
        .iter()
        .map(|(name, ty)| Field {
            name: name.clone(),
            kind: ty.kind(),
        })
        .collect();

    let index = index_size(header.features_count, header.index_node_size).ok_or_else(|| {
        Message::new("vector.fgb.impossible_count")
            .english("the header's feature count is impossible")
    })?;
    let mut at = 12u64 + header_len as u64 + index;
    let mut problems = 0usize;
    while (at as usize) < bytes.len() {
        let start = at as usize;
        let number = data.features.len() + 1;
        let feature = u32_at(bytes, start)
            .map_err(|_| Message::new("vector.fgb.size_cut_off").english("size prefix cut off"))
            .and_then(|len| {
                let end = start + 4 + len as usize;
                at = end as u64;
                let buf = bytes.get(start + 4..end).ok_or_else(|| {
                    Message::new("vector.fgb.ends_before")
                        .arg("count", len)
                        .english("{count} bytes announced, the file ends before")
                })?;
                read_feature(buf, &header, &data.fields)
            });
        match feature {
            Ok((f, fault)) => {
                if let Some(e) = fault {
                    problems += 1;
                    if problems <= 5 {
                        data.issues.push(
                            Message::new("vector.issue.feature_attributes")
                                .arg("number", number)
                                .arg_message("error", e)
                                .english("feature {number}: attributes: {error}"),
                        );
                    }
                }
                data.features.push(f);
            }
            Err(e) => {
                problems += 1;
                if problems <= 5 {
                    data.issues.push(crate::geojson::feature_problem(number, e));
                }
                // Without a trustworthy size prefix the rest cannot be found.
                if at as usize > bytes.len() || at as usize == start {
                    break;
                }
            }
        }
    }
    if problems > 5 {
        data.issues.push(
            Message::new("vector.issue.broken_features")
                .arg("count", problems)
                .english("{count} broken features in all"),
        );
    }
    if header.features_count != 0 && data.features.len() as u64 != header.features_count {
        data.issues.push(
            Message::new("vector.issue.feature_count_differs")
                .arg("announced", header.features_count)
                .arg("read", data.features.len())
                .english("the header announces {announced} features, {read} were read"),
        );
    }
    Ok(data)
}

/// The feature, and what was wrong with its properties (the values read
/// before the fault are kept).
fn read_feature(
    buf: &[u8],
    header: &Header,
    fields: &[Field],
) -> Result<(Feature, Option<Message>), Message> {
    let f = Table::root(buf)?;
    // Per-feature columns (rare) override the header's.
    let own = columns_of(f.tables(2)?)?;
    let columns = if own.is_empty() {
        &header.columns
    } else {
        &own
    };
    let geometry = match f.table(0)? {
        Some(g) => geometry(&g, header.geometry_type, header.has_z, 0)?,
        None => None,
    };
    let mut values = vec![Value::Null; fields.len()];
    let mut fault = None;
    if let Some(props) = f.bytes(1)? {
        fault = read_properties(props, columns, fields, &mut values).err();
    }
    Ok((
        Feature {
            id: None,
            geometry,
            values,
        },
        fault,
    ))
}

fn read_properties(
    p: &[u8],
    columns: &[(String, ColumnType)],
    fields: &[Field],
    values: &mut [Value],
) -> Result<(), Message> {
    let mut at = 0usize;
    let take = |at: &mut usize, n: usize| -> Result<&[u8], Message> {
        let s = p.get(*at..*at + n).ok_or_else(|| {
            Message::new("vector.fgb.property_cut_off")
                .english("property buffer ends in the middle of a value")
        })?;
        *at += n;
        Ok(s)
    };
    // `at + 1 <`: writers of spec 3.0 left one trailing byte after a last
    // Binary value; one byte cannot start a property anyway.
    while at + 1 < p.len() {
        let col = u16::from_le_bytes(take(&mut at, 2)?.try_into().unwrap()) as usize;
        let (name, ty) = columns.get(col).ok_or_else(|| {
            Message::new("vector.fgb.no_such_column")
                .arg("column", col)
                .arg("count", columns.len())
                .english("property for column {column}, the file has {count}")
        })?;
        use ColumnType::*;
        let value = match ty {
            Byte => Value::Integer(take(&mut at, 1)?[0] as i8 as i64),
            UByte => Value::Integer(take(&mut at, 1)?[0] as i64),
            Bool => Value::Boolean(take(&mut at, 1)?[0] != 0),
            Short => {
                Value::Integer(i16::from_le_bytes(take(&mut at, 2)?.try_into().unwrap()) as i64)
            }
            UShort => {
                Value::Integer(u16::from_le_bytes(take(&mut at, 2)?.try_into().unwrap()) as i64)
            }
            Int => Value::Integer(i32::from_le_bytes(take(&mut at, 4)?.try_into().unwrap()) as i64),
            UInt => {
                Value::Integer(u32::from_le_bytes(take(&mut at, 4)?.try_into().unwrap()) as i64)
            }
            Long => Value::Integer(i64::from_le_bytes(take(&mut at, 8)?.try_into().unwrap())),
            ULong => {
                let v = u64::from_le_bytes(take(&mut at, 8)?.try_into().unwrap());
                i64::try_from(v).map_or(Value::Real(v as f64), Value::Integer)
            }
            Float => Value::Real(f32::from_le_bytes(take(&mut at, 4)?.try_into().unwrap()) as f64),
            Double => Value::Real(f64::from_le_bytes(take(&mut at, 8)?.try_into().unwrap())),
            String | Json | DateTime | Binary => {
                let len = u32::from_le_bytes(take(&mut at, 4)?.try_into().unwrap()) as usize;
                let raw = take(&mut at, len)?;
                if *ty == Binary {
                    Value::Text(format!("({len} bytes)"))
                } else {
                    Value::Text(std::string::String::from_utf8_lossy(raw).into_owned())
                }
            }
        };
        // Map by name: per-feature schemas may order columns differently.
        if let Some(i) = fields.iter().position(|f| &f.name == name) {
            values[i] = value;
        }
    }
    Ok(())
}

fn coords(xy: &[f64], z: &[f64], from: usize, to: usize) -> Vec<Coord> {
    (from..to)
        .map(|i| {
            [
                xy[2 * i],
                xy[2 * i + 1],
                z.get(i).copied().unwrap_or(f64::NAN),
            ]
        })
        .collect()
}

/// Splits the flat coordinates at `ends` (one part when empty).
fn parts(xy: &[f64], z: &[f64], ends: &[u32]) -> Result<Vec<Vec<Coord>>, Message> {
    let n = xy.len() / 2;
    let ends: Vec<usize> = if ends.is_empty() {
        vec![n]
    } else {
        ends.iter().map(|&e| e as usize).collect()
    };
    let mut from = 0;
    let mut out = Vec::with_capacity(ends.len());
    for &to in &ends {
        if to < from || to > n {
            return Err(Message::new("vector.fgb.part_end_outside")
                .arg("end", to)
                .arg("count", n)
                .english("part end {end} outside the {count} coordinates"));
        }
        out.push(coords(xy, z, from, to));
        from = to;
    }
    Ok(out)
}

fn geometry(
    g: &Table,
    header_type: u8,
    has_z: bool,
    depth: usize,
) -> Result<Option<Geometry>, Message> {
    if depth > 8 {
        return Err(Message::new("vector.fgb.too_deep").english("geometry nested too deep"));
    }
    let own = g.u8_or(6, 0)?;
    let ty = if header_type == 0 || depth > 0 {
        own
    } else {
        header_type
    };
    let xy = g.f64s(1)?;
    let z = if has_z { g.f64s(2)? } else { Vec::new() };
    let ends = g.u32s(0)?;
    Ok(match ty {
        // Point, MultiPoint
        1 | 4 => (!xy.is_empty()).then(|| Geometry::Points(coords(&xy, &z, 0, xy.len() / 2))),
        // LineString, MultiLineString
        2 | 5 => {
            (!xy.is_empty()).then(|| Geometry::Lines(parts(&xy, &z, &ends).unwrap_or_default()))
        }
        // Polygon: exterior then holes
        3 => polygon(&xy, &z, &ends)?.map(|p| Geometry::Polygons(vec![p])),
        // MultiPolygon, GeometryCollection: parts
        6 | 7 => {
            let mut out = Vec::new();
            for part in g.tables(7)? {
                let part_type = if ty == 6 { 3 } else { part.u8_or(6, 0)? };
                if let Some(p) = geometry(&part, part_type, has_z, depth + 1)? {
                    out.push(p);
                }
            }
            crate::model::merge_parts(out)
        }
        17 => polygon(&xy, &z, &ends)?.map(|p| Geometry::Polygons(vec![p])),
        // PolyhedralSurface, TIN: their faces as polygons
        15 | 16 => {
            let mut polys = Vec::new();
            for part in g.tables(7)? {
                if let Some(Geometry::Polygons(p)) = geometry(&part, 3, has_z, depth + 1)? {
                    polys.extend(p);
                }
            }
            (!polys.is_empty()).then_some(Geometry::Polygons(polys))
        }
        0 => None,
        other => {
            return Err(Message::new("vector.fgb.curves")
                .arg("type", other)
                .english("geometry type {type} (curves) is not supported"));
        }
    })
}

fn polygon(xy: &[f64], z: &[f64], ends: &[u32]) -> Result<Option<Polygon>, Message> {
    let mut rings = parts(xy, z, ends)?.into_iter();
    Ok(rings
        .next()
        .filter(|r| !r.is_empty())
        .map(|exterior| Polygon {
            exterior,
            interiors: rings.filter(|r| !r.is_empty()).collect(),
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_sizes_match_the_packed_rtree() {
        // 1 feature, node size 16: the leaf and the root = 2 nodes.
        assert_eq!(index_size(1, 16), Some(2 * 40));
        // 179 features: 179 + 12 + 1 = 192 nodes.
        assert_eq!(index_size(179, 16), Some(192 * 40));
        assert_eq!(index_size(179, 0), Some(0));
        assert_eq!(index_size(0, 16), Some(0));
    }

    #[test]
    fn garbage_is_refused_not_panicked_on() {
        assert!(read_bytes(b"").is_err());
        assert!(read_bytes(b"fgb\x03fgb\x00").is_err());
        assert!(read_bytes(b"fgb\x03fgb\x00\xff\xff\xff\xff").is_err());
        assert!(
            read_bytes(b"fgb\x02fgb\x00\x00\x00\x00\x00")
                .unwrap_err()
                .to_string()
                .contains("version 2")
        );
    }
}
