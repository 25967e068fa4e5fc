//! Payload decoders for uplinks that arrive as raw bytes (The Things Stack
//! without a payload formatter, `frm_payload` only). A scene names the
//! decoder per device or application; the formats follow the makers'
//! published protocol descriptions.

use crate::{Reading, SensorError, Value};

/// The decoders a scene can name.
pub const DECODERS: &[&str] = &["decentlab-dl-5tm", "milesight"];

/// Decodes `bytes` with the decoder called `name`.
pub fn decode(name: &str, bytes: &[u8]) -> Result<Vec<Reading>, SensorError> {
    match name {
        "decentlab-dl-5tm" => decentlab_dl_5tm(bytes),
        "milesight" => milesight(bytes),
        other => Err(SensorError::Said(
            pw_text::Message::new("sensors.decoder.unknown")
                .arg("name", format!("{other:?}"))
                .arg("known", DECODERS.join(", "))
                .english("no decoder called {name} (known: {known})"),
        )),
    }
}

fn reading(quantity: &str, value: f64, unit: &str) -> Reading {
    Reading {
        quantity: quantity.into(),
        value: Value::Number(value),
        unit: (!unit.is_empty()).then(|| unit.into()),
    }
}

fn u16_be(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?]))
}

fn short(what: &str, len: usize) -> SensorError {
    SensorError::Said(
        pw_text::Message::new("sensors.decoder.short")
            .arg("what", what)
            .arg("len", len)
            .english("{what}: payload ends early ({len} bytes)"),
    )
}

/// Decentlab protocol version 2: version, device id, a flag word naming
/// the sensors present, then their 16-bit big-endian values. DL-5TM:
/// sensor 0 = dielectric permittivity and soil temperature (two values),
/// sensor 1 = battery voltage.
fn decentlab_dl_5tm(b: &[u8]) -> Result<Vec<Reading>, SensorError> {
    let what = "Decentlab DL-5TM";
    if b.first() != Some(&2) {
        return Err(SensorError::Said(
            pw_text::Message::new("sensors.decoder.version")
                .arg("what", what)
                .arg("found", format!("{:?}", b.first()))
                .english("{what}: protocol version {found}, expected 2"),
        ));
    }
    let device = u16_be(b, 1).ok_or_else(|| short(what, b.len()))?;
    let flags = u16_be(b, 3).ok_or_else(|| short(what, b.len()))?;
    let mut at = 5;
    let mut out = vec![reading("device_id", device as f64, "")];
    if flags & 1 != 0 {
        let raw_e = u16_be(b, at).ok_or_else(|| short(what, b.len()))? as f64;
        let raw_t = u16_be(b, at + 2).ok_or_else(|| short(what, b.len()))? as f64;
        at += 4;
        let e = raw_e / 50.0;
        // Topp et al. (1980): volumetric water content from permittivity.
        let vwc = 4.3e-6 * e.powi(3) - 5.5e-4 * e.powi(2) + 2.92e-2 * e - 5.3e-2;
        out.push(reading("dielectric_permittivity", e, ""));
        out.push(reading("volumetric_water_content", vwc, "m³/m³"));
        out.push(reading("soil_temperature", (raw_t - 400.0) / 10.0, "°C"));
    }
    if flags & 2 != 0 {
        let raw = u16_be(b, at).ok_or_else(|| short(what, b.len()))? as f64;
        out.push(reading("battery_voltage", raw / 1000.0, "V"));
    }
    Ok(out)
}

/// Milesight's channel format: (channel id, type) pairs, each followed by
/// its little-endian value. The channels of the EM500 soil sensors.
fn milesight(b: &[u8]) -> Result<Vec<Reading>, SensorError> {
    let mut out = Vec::new();
    let mut i = 0;
    let le16 = |i: usize| -> Option<[u8; 2]> { Some([*b.get(i)?, *b.get(i + 1)?]) };
    while i < b.len() {
        let (Some(&channel), Some(&kind)) = (b.get(i), b.get(i + 1)) else {
            return Err(short("Milesight", b.len()));
        };
        i += 2;
        let missing = || short("Milesight", b.len());
        match (channel, kind) {
            (0x01, 0x75) => {
                out.push(reading(
                    "battery",
                    *b.get(i).ok_or_else(missing)? as f64,
                    "%",
                ));
                i += 1;
            }
            (0x03, 0x67) => {
                let v = i16::from_le_bytes(le16(i).ok_or_else(missing)?) as f64 / 10.0;
                out.push(reading("temperature", v, "°C"));
                i += 2;
            }
            (0x04, 0x68) => {
                let v = *b.get(i).ok_or_else(missing)? as f64 / 2.0;
                out.push(reading("moisture", v, "%"));
                i += 1;
            }
            (0x05, 0x7F) => {
                let v = u16::from_le_bytes(le16(i).ok_or_else(missing)?) as f64;
                out.push(reading("ec", v, "µS/cm"));
                i += 2;
            }
            _ => {
                return Err(SensorError::Said(
                    pw_text::Message::new("sensors.decoder.milesight_channel")
                        .arg("channel", format!("{channel:#04x}"))
                        .arg("kind", format!("{kind:#04x}"))
                        .arg("at", i - 2)
                        .english("Milesight: unknown channel {channel} type {kind} at byte {at}"),
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milesight_em500_smtc_as_the_maker_documents_it() {
        // Milesight's README example: 017564 03671901 046873 057FF000.
        let b = [
            0x01, 0x75, 0x64, 0x03, 0x67, 0x19, 0x01, 0x04, 0x68, 0x73, 0x05, 0x7F, 0xF0, 0x00,
        ];
        let r = decode("milesight", &b).unwrap();
        let v: Vec<(&str, f64)> = r
            .iter()
            .map(|r| (r.quantity.as_str(), r.value.as_f64().unwrap()))
            .collect();
        assert_eq!(
            v,
            [
                ("battery", 100.0),
                ("temperature", 28.1),
                ("moisture", 57.5),
                ("ec", 240.0)
            ]
        );
        // Cut short, or an unknown channel: said, not panicked.
        let e = decode("milesight", &b[..6]).unwrap_err();
        assert!(e.to_string().contains("ends early"), "{e}");
        let e = decode("milesight", &[0x09, 0x99, 0x00]).unwrap_err();
        assert!(e.to_string().contains("0x09"), "{e}");
        assert!(decode("nonsense", &b).is_err());
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let dl = pw_geo::base64::decode("AgI7AAMANwJxDGA=").unwrap();
        for n in 0..dl.len() {
            assert!(decode("decentlab-dl-5tm", &dl[..n]).is_err(), "{n}");
        }
    }
}
