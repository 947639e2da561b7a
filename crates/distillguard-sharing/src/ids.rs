//! Deterministic STIX identifiers, derived from content like UUIDv5.
//!
//! The same report exported twice gives the same ids, so partners who pull again see new
//! versions of the same objects instead of duplicates. The content key says what the
//! object *is* (an indicator's pattern, a campaign's report id), never when it was made.
//!
//! The 128 bits are those of UUIDv5(namespace, key), stamped as version 4: STIX 2.1 says
//! SDO and SRO ids SHOULD be UUIDv4, and strict validators (stix2-validator `--strict`,
//! check 103) reject other versions. The bits are still a SHA-1 of the key, so they are as
//! unique as a UUIDv5 and as stable as the key.

use uuid::Uuid;

/// distillguard's UUIDv5 namespace for STIX ids (a fixed random UUID; never change it,
/// or every id we ever shared changes).
pub const NAMESPACE: Uuid = Uuid::from_u128(0x5c1e_2b9a_4f0d_4b6e_9a3c_7d21_e8f4_6a10);

/// `stix_id("indicator", "[ipv4-addr:value = '198.51.100.7']")` →
/// `indicator--<content uuid>`. The type takes part in the hash, so two kinds of objects with
/// the same key get different ids.
pub fn stix_id(stix_type: &str, key: &str) -> String {
    let name = format!("{stix_type}|{key}");
    format!("{stix_type}--{}", content_uuid(&name).hyphenated())
}

/// UUIDv5 bits of `key` in our namespace, stamped as version 4 (RFC 4122 variant).
fn content_uuid(key: &str) -> Uuid {
    let v5 = Uuid::new_v5(&NAMESPACE, key.as_bytes());
    uuid::Builder::from_random_bytes(v5.into_bytes()).into_uuid()
}

/// A bare content-derived UUID from a key, for TAXII collection ids.
pub fn uuid_for(key: &str) -> String {
    content_uuid(key).hyphenated().to_string()
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
        // Version 4 form, as STIX recommends for SDOs and SROs.
        let uuid = Uuid::parse_str(a.trim_start_matches("indicator--")).expect("uuid");
        assert_eq!(uuid.get_version_num(), 4);
    }
}
