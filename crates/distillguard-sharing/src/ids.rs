//! Deterministic STIX identifiers: `type--UUIDv5(namespace, content key)`.
//!
//! The same report exported twice gives the same ids, so partners who pull again see new
//! versions of the same objects instead of duplicates. The content key says what the
//! object *is* (an indicator's pattern, a campaign's report id), never when it was made.

use uuid::Uuid;

/// distillguard's UUIDv5 namespace for STIX ids (a fixed random UUID; never change it,
/// or every id we ever shared changes).
pub const NAMESPACE: Uuid = Uuid::from_u128(0x5c1e_2b9a_4f0d_4b6e_9a3c_7d21_e8f4_6a10);

/// `stix_id("indicator", "[ipv4-addr:value = '198.51.100.7']")` →
/// `indicator--<uuidv5>`. The type takes part in the hash, so two kinds of objects with
/// the same key get different ids.
pub fn stix_id(stix_type: &str, key: &str) -> String {
    let name = format!("{stix_type}|{key}");
    format!(
        "{stix_type}--{}",
        Uuid::new_v5(&NAMESPACE, name.as_bytes()).hyphenated()
    )
}

/// A bare UUIDv5 from a key, for TAXII collection ids.
pub fn uuid_for(key: &str) -> String {
    Uuid::new_v5(&NAMESPACE, key.as_bytes())
        .hyphenated()
        .to_string()
}

/// Whether `id` has the STIX identifier form `type--uuid`; returns the type.
pub fn split_stix_id(id: &str) -> Option<&str> {
    let (stix_type, uuid) = id.split_once("--")?;
    if stix_type.is_empty() || Uuid::parse_str(uuid).is_err() {
        return None;
    }
    Some(stix_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_distinct_per_type() {
        let a = stix_id("indicator", "k");
        assert_eq!(a, stix_id("indicator", "k"));
        assert_ne!(a, stix_id("campaign", "k"));
        assert_ne!(a, stix_id("indicator", "k2"));
        assert_eq!(split_stix_id(&a), Some("indicator"));
        assert_eq!(split_stix_id("indicator--nope"), None);
    }
}
