//! The object store behind the TAXII collections, as a small trait.
//!
//! In: validated objects to add (with their id and version), queries with the TAXII
//! filters, status resources. Out: pages of stored objects in the order they were added.
//!
//! Contract every implementation keeps:
//! - `date_added` is unique and strictly increasing across the store, so paging by it
//!   (`added_after`) and by the opaque `next` token never skips or repeats an object;
//! - adding an (id, version) already in the collection is a success that stores nothing;
//! - `match[version]` defaults to `last`.

use distillguard_model::time::Millis;
use serde_json::Value;

use crate::error::SharingError;

/// Microseconds since the epoch (TAXII timestamps carry microseconds).
pub type Micros = i64;

/// One object to add, already checked by the handler.
#[derive(Debug, Clone, PartialEq)]
pub struct NewObject {
    pub id: String,
    pub object_type: String,
    pub spec_version: String,
    /// The version as the object states it (`modified`, else `created`), or `None` for
    /// objects without either (their version is their `date_added`).
    pub version: Option<String>,
    pub object: Value,
}

/// One stored object.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredObject {
    pub id: String,
    /// RFC 3339 version timestamp.
    pub version: String,
    /// RFC 3339 with microseconds.
    pub date_added: String,
    pub media_type: String,
    pub object: Value,
}

/// Which versions of each object a query returns (`match[version]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VersionFilter {
    pub first: bool,
    pub last: bool,
    pub all: bool,
    pub exact: Vec<Micros>,
}

impl VersionFilter {
    pub fn last() -> Self {
        VersionFilter {
            last: true,
            ..VersionFilter::default()
        }
    }

    pub fn all() -> Self {
        VersionFilter {
            all: true,
            ..VersionFilter::default()
        }
    }
}

/// A query on one collection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectQuery {
    /// Only objects added strictly after this.
    pub added_after: Option<Micros>,
    /// Empty: any.
    pub ids: Vec<String>,
    /// Empty: any.
    pub types: Vec<String>,
    /// Empty: any.
    pub spec_versions: Vec<String>,
    pub versions: VersionFilter,
    pub limit: usize,
    /// The `next` token of the previous page.
    pub next: Option<String>,
}

impl Default for ObjectQuery {
    fn default() -> Self {
        ObjectQuery {
            added_after: None,
            ids: Vec::new(),
            types: Vec::new(),
            spec_versions: Vec::new(),
            versions: VersionFilter::last(),
            limit: 100,
            next: None,
        }
    }
}

/// One page of a query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub objects: Vec<StoredObject>,
    pub more: bool,
    /// Token for the following page, when `more`.
    pub next: Option<String>,
}

/// Whether an add stored a new version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    New,
    AlreadyThere,
}

/// A TAXII status resource and who may read it.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusRecord {
    pub id: String,
    /// The principal that made the request.
    pub owner: String,
    pub resource: Value,
}

pub trait ObjectStore: Send + Sync {
    /// Adds objects to a collection at time `now`; one outcome per object, in order.
    fn add_objects(
        &self,
        collection_id: &str,
        objects: &[NewObject],
        now: Millis,
    ) -> Result<Vec<Added>, SharingError>;

    fn query(&self, collection_id: &str, query: &ObjectQuery) -> Result<Page, SharingError>;

    /// The newest stored version of an object, if any.
    fn latest(&self, collection_id: &str, id: &str) -> Result<Option<Value>, SharingError>;

    fn put_status(&self, status: &StatusRecord) -> Result<(), SharingError>;

    fn status(&self, id: &str) -> Result<Option<StatusRecord>, SharingError>;
}

/// Checks one object for adding and reads its id, type and version.
pub fn new_object(object: &Value) -> Result<NewObject, String> {
    let map = object.as_object().ok_or("not a JSON object")?;
    let object_type = map
        .get("type")
        .and_then(Value::as_str)
        .ok_or("no \"type\"")?;
    let id = map.get("id").and_then(Value::as_str).ok_or("no \"id\"")?;
    match crate::ids::split_stix_id(id) {
        Some(id_type) if id_type == object_type => {}
        _ => return Err(format!("id {id:?} is not {object_type}--<uuid>")),
    }
    if object_type == "bundle" {
        return Err("bundles are not stored; send their objects".to_string());
    }
    let spec_version = match map.get("spec_version") {
        None => "2.1".to_string(),
        Some(Value::String(v)) if v == "2.1" => v.clone(),
        Some(other) => return Err(format!("spec_version {other} is not \"2.1\"")),
    };
    let version = match map.get("modified").or_else(|| map.get("created")) {
        None => None,
        Some(Value::String(text)) => {
            parse_micros(text).ok_or_else(|| format!("{text:?} is not an RFC 3339 timestamp"))?;
            Some(text.clone())
        }
        Some(other) => return Err(format!("modified/created {other} is not a timestamp")),
    };
    Ok(NewObject {
        id: id.to_string(),
        object_type: object_type.to_string(),
        spec_version,
        version,
        object: object.clone(),
    })
}

/// RFC 3339 → microseconds.
pub fn parse_micros(text: &str) -> Option<Micros> {
    chrono::DateTime::parse_from_rfc3339(text.trim())
        .ok()
        .map(|dt| dt.timestamp_micros())
}

/// Microseconds → RFC 3339 with six fractional digits and `Z`.
pub fn format_micros(micros: Micros) -> String {
    match chrono::DateTime::<chrono::Utc>::from_timestamp_micros(micros) {
        Some(dt) => dt.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        None => micros.to_string(),
    }
}

/// What [`publish_bundle`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PublishSummary {
    pub added: usize,
    pub unchanged: usize,
    pub rejected: usize,
}

/// Fields that change on every export without the object changing.
const VOLATILE_FIELDS: [&str; 3] = ["created", "modified", "valid_until"];

fn without_volatile(object: &Value) -> Value {
    let mut copy = object.clone();
    if let Some(map) = copy.as_object_mut() {
        for field in VOLATILE_FIELDS {
            map.remove(field);
        }
    }
    copy
}

/// Whether the stored version still says the same as the new one, and is not about to
/// expire (its `valid_until` is not before the middle of the new validity window).
fn still_current(stored: &Value, new: &Value, now: Millis) -> bool {
    if without_volatile(stored) != without_volatile(new) {
        return false;
    }
    let until = |o: &Value| {
        o.get("valid_until")
            .and_then(Value::as_str)
            .and_then(parse_micros)
    };
    match (until(stored), until(new)) {
        (Some(stored_until), Some(new_until)) => {
            let now_us = now.saturating_mul(1000);
            stored_until >= now_us + (new_until - now_us) / 2
        }
        _ => true,
    }
}

/// Publishes our own bundle into a collection: objects whose content did not change since
/// the last publication are not added again, so partners polling with `added_after` only
/// see what is new.
pub fn publish_bundle(
    store: &dyn ObjectStore,
    collection_id: &str,
    bundle: &Value,
    now: Millis,
) -> Result<PublishSummary, SharingError> {
    let objects = bundle
        .get("objects")
        .and_then(Value::as_array)
        .ok_or_else(|| SharingError::BadRequest("not a STIX bundle with objects".into()))?;
    let mut summary = PublishSummary::default();
    let mut to_add = Vec::new();
    for object in objects {
        let new = match new_object(object) {
            Ok(new) => new,
            Err(reason) => {
                tracing::warn!(%reason, "object not published");
                summary.rejected += 1;
                continue;
            }
        };
        match store.latest(collection_id, &new.id)? {
            Some(stored) if still_current(&stored, object, now) => summary.unchanged += 1,
            _ => to_add.push(new),
        }
    }
    for outcome in store.add_objects(collection_id, &to_add, now)? {
        match outcome {
            Added::New => summary.added += 1,
            Added::AlreadyThere => summary.unchanged += 1,
        }
    }
    Ok(summary)
}
