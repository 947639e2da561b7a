//! [`SqliteStore`]: the TAXII object store in one SQLite file (WAL mode, so the CLI can
//! publish while the server reads).
//!
//! Table `objects` keeps every version of every object per collection with its
//! `date_added` in microseconds; `seq` (insertion order) is the paging cursor. Table
//! `statuses` keeps the status resources of POSTs.

use std::path::Path;
use std::sync::Mutex;

use distillguard_model::time::Millis;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::media::STIX_MEDIA_TYPE;
use super::store::{
    format_micros, parse_micros, Added, NewObject, ObjectQuery, ObjectStore, Page, StatusRecord,
    StoredObject,
};
use crate::error::SharingError;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS objects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    type TEXT NOT NULL,
    spec_version TEXT NOT NULL,
    version TEXT NOT NULL,
    version_us INTEGER NOT NULL,
    date_added_us INTEGER NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (collection, id, version_us)
);
CREATE INDEX IF NOT EXISTS objects_by_id ON objects (collection, id, version_us);
CREATE TABLE IF NOT EXISTS statuses (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    body TEXT NOT NULL
);
";

pub struct SqliteStore {
    connection: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path`.
    pub fn open(path: &Path) -> Result<Self, SharingError> {
        let connection = Connection::open(path)?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        Self::with_connection(connection)
    }

    /// A store that lives in memory, for tests.
    pub fn in_memory() -> Result<Self, SharingError> {
        Self::with_connection(Connection::open_in_memory()?)
    }

    fn with_connection(connection: Connection) -> Result<Self, SharingError> {
        connection.execute_batch(SCHEMA)?;
        Ok(SqliteStore {
            connection: Mutex::new(connection),
        })
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Connection>, SharingError> {
        self.connection
            .lock()
            .map_err(|_| SharingError::Corrupt("store lock poisoned by a panic".into()))
    }
}

fn decode(body: &str) -> Result<Value, SharingError> {
    serde_json::from_str(body).map_err(|e| SharingError::Corrupt(e.to_string()))
}

impl ObjectStore for SqliteStore {
    fn add_objects(
        &self,
        collection_id: &str,
        objects: &[NewObject],
        now: Millis,
    ) -> Result<Vec<Added>, SharingError> {
        let mut connection = self.lock()?;
        let tx = connection.transaction()?;
        let mut last_added: i64 = tx.query_row(
            "SELECT COALESCE(MAX(date_added_us), 0) FROM objects",
            [],
            |row| row.get(0),
        )?;
        let now_us = now.saturating_mul(1000);
        let mut outcomes = Vec::with_capacity(objects.len());
        for object in objects {
            let date_added = now_us.max(last_added + 1);
            let (version, version_us) = match &object.version {
                Some(text) => match parse_micros(text) {
                    Some(us) => (text.clone(), us),
                    None => {
                        return Err(SharingError::BadRequest(format!(
                            "{}: version {text:?} is not a timestamp",
                            object.id
                        )))
                    }
                },
                None => (format_micros(date_added), date_added),
            };
            let body = serde_json::to_string(&object.object)
                .map_err(|e| SharingError::Corrupt(e.to_string()))?;
            let inserted = tx.execute(
                "INSERT OR IGNORE INTO objects
                 (collection, id, type, spec_version, version, version_us, date_added_us, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    collection_id,
                    object.id,
                    object.object_type,
                    object.spec_version,
                    version,
                    version_us,
                    date_added,
                    body
                ],
            )?;
            if inserted == 1 {
                last_added = date_added;
                outcomes.push(Added::New);
            } else {
                outcomes.push(Added::AlreadyThere);
            }
        }
        tx.commit()?;
        Ok(outcomes)
    }

    fn query(&self, collection_id: &str, query: &ObjectQuery) -> Result<Page, SharingError> {
        let mut sql = String::from(
            "SELECT seq, id, version, date_added_us, body FROM objects o WHERE collection = ?",
        );
        let mut args: Vec<SqlValue> = vec![SqlValue::Text(collection_id.to_string())];
        if let Some(after) = query.added_after {
            sql.push_str(" AND date_added_us > ?");
            args.push(SqlValue::Integer(after));
        }
        if let Some(next) = &query.next {
            let cursor: i64 = next.parse().map_err(|_| {
                SharingError::BadRequest(format!("next {next:?} is not a token this server issued"))
            })?;
            sql.push_str(" AND seq > ?");
            args.push(SqlValue::Integer(cursor));
        }
        let mut in_list = |column: &str, values: &[String], sql: &mut String| {
            if values.is_empty() {
                return;
            }
            let marks = vec!["?"; values.len()].join(",");
            sql.push_str(&format!(" AND {column} IN ({marks})"));
            args.extend(values.iter().cloned().map(SqlValue::Text));
        };
        in_list("id", &query.ids, &mut sql);
        in_list("type", &query.types, &mut sql);
        in_list("spec_version", &query.spec_versions, &mut sql);

        let versions = &query.versions;
        if !versions.all {
            let mut alternatives: Vec<String> = Vec::new();
            if versions.last {
                alternatives.push("version_us = (SELECT MAX(version_us) FROM objects v WHERE v.collection = o.collection AND v.id = o.id)".into());
            }
            if versions.first {
                alternatives.push("version_us = (SELECT MIN(version_us) FROM objects v WHERE v.collection = o.collection AND v.id = o.id)".into());
            }
            if !versions.exact.is_empty() {
                alternatives.push(format!(
                    "version_us IN ({})",
                    vec!["?"; versions.exact.len()].join(",")
                ));
                args.extend(versions.exact.iter().map(|&v| SqlValue::Integer(v)));
            }
            if alternatives.is_empty() {
                return Ok(Page::default());
            }
            sql.push_str(&format!(" AND ({})", alternatives.join(" OR ")));
        }
        let limit = query.limit.max(1);
        sql.push_str(" ORDER BY seq LIMIT ?");
        args.push(SqlValue::Integer(limit as i64 + 1));

        let connection = self.lock()?;
        let mut statement = connection.prepare(&sql)?;
        let rows = statement.query_map(rusqlite::params_from_iter(args), |row| {
            Ok((
                row.get::<_, i64>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, i64>(3)?,
                row.get::<_, String>(4)?,
            ))
        })?;
        let mut page = Page::default();
        let mut last_seq = None;
        for row in rows {
            let (seq, id, version, date_added, body) = row?;
            if page.objects.len() == limit {
                page.more = true;
                break;
            }
            last_seq = Some(seq);
            page.objects.push(StoredObject {
                id,
                version,
                date_added: format_micros(date_added),
                media_type: STIX_MEDIA_TYPE.to_string(),
                object: decode(&body)?,
            });
        }
        if page.more {
            page.next = last_seq.map(|seq| seq.to_string());
        }
        Ok(page)
    }

    fn latest(&self, collection_id: &str, id: &str) -> Result<Option<Value>, SharingError> {
        let connection = self.lock()?;
        let body: Option<String> = connection
            .query_row(
                "SELECT body FROM objects WHERE collection = ?1 AND id = ?2
                 ORDER BY version_us DESC LIMIT 1",
                params![collection_id, id],
                |row| row.get(0),
            )
            .optional()?;
        body.as_deref().map(decode).transpose()
    }

    fn put_status(&self, status: &StatusRecord) -> Result<(), SharingError> {
        let connection = self.lock()?;
        connection.execute(
            "INSERT OR REPLACE INTO statuses (id, owner, body) VALUES (?1, ?2, ?3)",
            params![status.id, status.owner, status.resource.to_string()],
        )?;
        Ok(())
    }

    fn status(&self, id: &str) -> Result<Option<StatusRecord>, SharingError> {
        let connection = self.lock()?;
        let row: Option<(String, String)> = connection
            .query_row(
                "SELECT owner, body FROM statuses WHERE id = ?1",
                params![id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        row.map(|(owner, body)| {
            Ok(StatusRecord {
                id: id.to_string(),
                owner,
                resource: decode(&body)?,
            })
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxii::store::{new_object, publish_bundle, VersionFilter};
    use serde_json::json;

    fn indicator(n: u32, modified: &str) -> NewObject {
        new_object(&json!({
            "type": "indicator", "spec_version": "2.1",
            "id": format!("indicator--00000000-0000-4000-8000-{n:012}"),
            "created": "2026-01-01T00:00:00.000Z", "modified": modified,
            "pattern": "[ipv4-addr:value = '203.0.113.1']", "pattern_type": "stix",
            "valid_from": "2026-01-01T00:00:00Z"
        }))
        .expect("valid object")
    }

    #[test]
    fn pages_cover_everything_once_in_order() {
        let store = SqliteStore::in_memory().expect("store");
        let objects: Vec<NewObject> = (0..25)
            .map(|n| indicator(n, "2026-01-01T00:00:00.000Z"))
            .collect();
        // Same millisecond for all: date_added still strictly increases.
        store
            .add_objects("c", &objects, 1_767_225_600_000)
            .expect("add");
        let mut query = ObjectQuery {
            limit: 10,
            ..ObjectQuery::default()
        };
        let mut seen = Vec::new();
        let mut pages = 0;
        loop {
            let page = store.query("c", &query).expect("query");
            pages += 1;
            seen.extend(page.objects.iter().map(|o| o.id.clone()));
            if !page.more {
                assert!(page.next.is_none());
                break;
            }
            query.next = page.next.clone();
        }
        assert_eq!(pages, 3);
        let expected: Vec<String> = objects.iter().map(|o| o.id.clone()).collect();
        assert_eq!(seen, expected);
        // added_after the 10th object's date_added gives the remaining 15.
        let first_page = store
            .query(
                "c",
                &ObjectQuery {
                    limit: 10,
                    ..ObjectQuery::default()
                },
            )
            .expect("query");
        let tenth = parse_micros(&first_page.objects[9].date_added).expect("timestamp");
        let rest = store
            .query(
                "c",
                &ObjectQuery {
                    added_after: Some(tenth),
                    limit: 100,
                    ..ObjectQuery::default()
                },
            )
            .expect("query");
        assert_eq!(rest.objects.len(), 15);
        assert_eq!(rest.objects[0].id, objects[10].id);
        // Other collections are separate.
        assert!(store
            .query("other", &ObjectQuery::default())
            .expect("q")
            .objects
            .is_empty());
    }

    #[test]
    fn versions_and_duplicates() {
        let store = SqliteStore::in_memory().expect("store");
        let v1 = indicator(1, "2026-01-01T00:00:00.000Z");
        let v2 = indicator(1, "2026-01-02T00:00:00Z");
        let outcomes = store
            .add_objects("c", &[v1.clone(), v2, v1], 1_767_225_600_000)
            .expect("add");
        assert_eq!(outcomes, vec![Added::New, Added::New, Added::AlreadyThere]);
        let last = store.query("c", &ObjectQuery::default()).expect("q");
        assert_eq!(last.objects.len(), 1);
        assert_eq!(last.objects[0].version, "2026-01-02T00:00:00Z");
        let all = store
            .query(
                "c",
                &ObjectQuery {
                    versions: VersionFilter::all(),
                    ..ObjectQuery::default()
                },
            )
            .expect("q");
        assert_eq!(all.objects.len(), 2);
        let first = store
            .query(
                "c",
                &ObjectQuery {
                    versions: VersionFilter {
                        first: true,
                        ..VersionFilter::default()
                    },
                    ..ObjectQuery::default()
                },
            )
            .expect("q");
        assert_eq!(first.objects[0].version, "2026-01-01T00:00:00.000Z");
        assert!(store
            .query(
                "c",
                &ObjectQuery {
                    next: Some("x".into()),
                    ..ObjectQuery::default()
                }
            )
            .is_err());
    }

    #[test]
    fn objects_and_statuses_survive_reopening() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("taxii.sqlite");
        {
            let store = SqliteStore::open(&path).expect("open");
            store
                .add_objects("c", &[indicator(7, "2026-01-01T00:00:00Z")], 1)
                .expect("add");
            store
                .put_status(&StatusRecord {
                    id: "s1".into(),
                    owner: "partner".into(),
                    resource: json!({"status": "complete"}),
                })
                .expect("status");
        }
        let store = SqliteStore::open(&path).expect("reopen");
        assert_eq!(
            store
                .query("c", &ObjectQuery::default())
                .expect("q")
                .objects
                .len(),
            1
        );
        assert_eq!(
            store.status("s1").expect("s").map(|s| s.owner),
            Some("partner".into())
        );
    }

    #[test]
    fn republishing_an_unchanged_report_adds_nothing() {
        let store = SqliteStore::in_memory().expect("store");
        let report = crate::export::tests::sample_report();
        let opts = crate::export::ExportOptions::default();
        let now = 1_767_400_000_000;
        let first = publish_bundle(&store, "c", &crate::export_bundle(&report, &opts, now), now)
            .expect("publish");
        assert!(first.added > 10);
        assert_eq!(first.unchanged, 0);
        let later = now + 3_600_000;
        let second = publish_bundle(
            &store,
            "c",
            &crate::export_bundle(&report, &opts, later),
            later,
        )
        .expect("publish");
        assert_eq!(second.added, 0, "{second:?}");
        assert_eq!(second.unchanged, first.added);
        // A change in the report gives new versions of what changed.
        let mut changed = report.clone();
        changed.clusters[0].score = 0.95;
        let third = publish_bundle(
            &store,
            "c",
            &crate::export_bundle(&changed, &opts, later),
            later,
        )
        .expect("publish");
        assert!(third.added > 0 && third.added < first.added, "{third:?}");
    }
}
