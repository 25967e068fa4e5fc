//! Cache file names that stay the same across Rust releases and machines:
//! 64-bit FNV-1a over the parts (the standard library's hasher may change
//! between releases, which would orphan every cached file).

const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a of the parts, each followed by its length, so that ("ab", "c")
/// and ("a", "bc") differ.
pub fn stable_hash(parts: &[&[u8]]) -> u64 {
    let mut h = OFFSET;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(PRIME);
        }
    };
    for part in parts {
        eat(part);
        eat(&(part.len() as u64).to_le_bytes());
    }
    h
}

/// A file name for the parts: 16 hex digits and `extension`.
pub fn file_name(parts: &[&[u8]], extension: &str) -> String {
    format!("{:016x}.{extension}", stable_hash(parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FNV-1a's published test values, and the same names on every build.
    #[test]
    fn names_are_fnv1a_and_do_not_depend_on_the_build() {
        let fnv = |bytes: &[u8]| {
            let mut h = OFFSET;
            for b in bytes {
                h ^= u64::from(*b);
                h = h.wrapping_mul(PRIME);
            }
            h
        };
        assert_eq!(fnv(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv(b"foobar"), 0x8594_4171_f739_67e8);
        assert_ne!(stable_hash(&[b"ab", b"c"]), stable_hash(&[b"a", b"bc"]));
        assert_eq!(
            file_name(&[b"https://sta.example/v1.1", b"Datastreams(7)"], "json"),
            file_name(&[b"https://sta.example/v1.1", b"Datastreams(7)"], "json")
        );
        assert_eq!(file_name(&[], "json"), "cbf29ce484222325.json");
    }
}
