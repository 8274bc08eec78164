//! Reading a successful answer strictly: a 200 that lacks what the call must return, or returns numbers no Kafka
//! partition can have, is a "malformed answer" naming the field, never empty state or a plan built on it.

use serde_json::Value;

use super::client::Answer;
use super::error::CallError;
use super::lenient::int;

/// The most items any listing is followed to: no instance offsetdeck reads has more partitions or groups.
pub const MAX_ITEMS: usize = 1_000_000;

/// The most answer bytes one listing is followed through: a real listing (10,000 groups, a 100,000-partition
/// group's offsets) is 2 to 20 MiB; a hostile one must not fill memory page after page (it is held parsed, ~4x).
pub const LISTING_BYTES: usize = 32 << 20;

/// The longest name Kafka allows for a topic (and the clouds for a group).
pub const MAX_NAME: usize = 249;

pub fn malformed(detail: String) -> CallError {
    CallError::Malformed { detail, request_id: None }
}

/// A malformed-answer error given the request id of the answer it was found in.
pub fn with_id(e: CallError, a: &Answer) -> CallError {
    with_request_id(e, a.request_id.as_deref())
}

/// [`with_id`] for when the answer itself has been taken apart.
pub fn with_request_id(e: CallError, id: Option<&str>) -> CallError {
    match e {
        CallError::Malformed { detail, request_id: None } => {
            CallError::Malformed { detail, request_id: id.map(str::to_owned) }
        }
        other => other,
    }
}

/// A field that must be there (an object, a list, a value; not null).
pub fn need<'a>(v: &'a Value, key: &str) -> Result<&'a Value, CallError> {
    present(v.get(key), key)
}

/// A field read typed, that must be there: named `key` in the error.
pub fn present<'a>(x: Option<&'a Value>, key: &str) -> Result<&'a Value, CallError> {
    match x {
        Some(Value::Null) | None => Err(malformed(format!("the field `{key}` is missing"))),
        Some(x) => Ok(x),
    }
}

/// A list that must be there (it may be empty).
pub fn need_list<'a>(v: &'a Value, key: &str) -> Result<&'a [Value], CallError> {
    need(v, key)?.as_array().map(Vec::as_slice).ok_or_else(|| malformed(format!("the field `{key}` is not a list")))
}

/// A topic or group name from the service: 1 to 249 characters of `[a-zA-Z0-9._-]`, as Kafka and both clouds
/// allow. Anything else is refused where it enters (a megabyte "name" would be held, drawn and written everywhere).
pub fn kafka_name(v: &Value, key: &str) -> Result<String, CallError> {
    kafka_name_in(v.get(key), key)
}

/// [`kafka_name`] of a field read typed.
pub fn kafka_name_in(x: Option<&Value>, key: &str) -> Result<String, CallError> {
    let Some(name) = present(x, key)?.as_str() else {
        return Err(malformed(format!("the field `{key}` is not a name")));
    };
    name_ok(name).map_err(|why| malformed(format!("the field `{key}` {why}")))?;
    Ok(name.to_owned())
}

/// Why a name from the network is not a Kafka name, if it is not.
pub fn name_ok(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("is empty; a topic or group has a name".into());
    }
    if name.len() > MAX_NAME {
        return Err(format!("is {} bytes long; Kafka names are at most {MAX_NAME}", name.len()));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))) {
        let shown: String = name.chars().take(40).collect();
        return Err(format!(
            "({:?}) holds {:?}; Kafka names are letters, digits, `.`, `_` and `-`",
            crate::core::inert::inert(&shown),
            crate::core::inert::inert(&c.to_string())
        ));
    }
    Ok(())
}

/// A partition number: a whole number from 0 to 2^31 - 1.
pub fn partition(v: &Value, key: &str) -> Result<i32, CallError> {
    partition_in(v.get(key), key)
}

/// [`partition`] of a field read typed.
pub fn partition_in(x: Option<&Value>, key: &str) -> Result<i32, CallError> {
    let n = int(present(x, key)?).ok_or_else(|| malformed(format!("the field `{key}` is not a partition number")))?;
    i32::try_from(n)
        .ok()
        .filter(|p| *p >= 0)
        .ok_or_else(|| malformed(format!("the field `{key}` is {n}, not a partition number (0 to 2147483647)")))
}

/// An offset: a whole number, 0 or more.
pub fn offset(v: &Value, key: &str) -> Result<i64, CallError> {
    offset_in(v.get(key), key)
}

/// [`offset`] of a field read typed.
pub fn offset_in(x: Option<&Value>, key: &str) -> Result<i64, CallError> {
    let n = int(present(x, key)?).ok_or_else(|| malformed(format!("the field `{key}` is not a whole number")))?;
    if n < 0 {
        return Err(malformed(format!("the field `{key}` is {n}; an offset is 0 or more")));
    }
    Ok(n)
}

/// A committed offset: absent, null or -1 mean "none"; anything else must be 0 or more.
pub fn committed(v: &Value, key: &str) -> Result<Option<i64>, CallError> {
    committed_in(v.get(key), key)
}

/// [`committed`] of a field read typed.
pub fn committed_in(x: Option<&Value>, key: &str) -> Result<Option<i64>, CallError> {
    match x {
        None | Some(Value::Null) => Ok(None),
        Some(x) => match int(x) {
            Some(-1) => Ok(None),
            Some(n) if n >= 0 => Ok(Some(n)),
            Some(n) => {
                Err(malformed(format!("the field `{key}` is {n}; a committed offset is 0 or more, or -1 for none")))
            }
            None => Err(malformed(format!("the field `{key}` is not a whole number"))),
        },
    }
}

/// A log's bounds, checked against each other.
pub fn bounds(v: &Value, start: &str, end: &str) -> Result<(i64, i64), CallError> {
    let (s, e) = (offset(v, start)?, offset(v, end)?);
    if e < s {
        return Err(malformed(format!("the log end `{end}` {e} is below the log start `{start}` {s}")));
    }
    Ok((s, e))
}

/// A listing's total, bounded.
pub fn total(v: Option<&Value>) -> Result<usize, CallError> {
    let Some(v) = v else { return Ok(0) };
    let n = int(v).ok_or_else(|| malformed("the total count is not a whole number".into()))?;
    if !(0..=MAX_ITEMS as i64).contains(&n) {
        return Err(malformed(format!("the total count {n} is beyond any real listing (at most {MAX_ITEMS})")));
    }
    Ok(n as usize)
}

/// Follows a listing safely: stops at the total, when a page is empty, and refuses a service that repeats any page
/// seen before, sends more pages than its total needs, lists more than the total it claimed, or more bytes than
/// [`LISTING_BYTES`].
pub struct Pages {
    items: Vec<Value>,
    /// Fingerprints of every page's first item: pages are taken, not copied (one item may hold a topic's 100,000
    /// partitions), so the repeat check compares fingerprints; a service alternating two pages is caught too.
    seen: std::collections::HashSet<u64>,
    pages: usize,
    bytes: usize,
    /// Items listed, kept or not.
    count: usize,
    /// The page size asked for: the total says how many pages there can be.
    limit: usize,
    /// The field of each item that is a topic or group name, checked as its page arrives (not after a listing of
    /// megabyte names has been held whole).
    name: Option<&'static str>,
}

/// The fingerprint of a typed item, from what identifies it and a sample of what it holds: two pages alike in it
/// are the same page sent again.
pub fn fingerprint_of(parts: impl std::hash::Hash) -> u64 {
    use std::hash::Hasher;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    parts.hash(&mut h);
    h.finish()
}

/// A hash of a listing item: every top-level field in full (names, ids), and the first nested values up to a
/// budget, so a huge item costs little and two different items at the same position practically never collide.
fn fingerprint(v: &Value) -> u64 {
    use std::hash::{Hash, Hasher};
    fn nested(v: &Value, h: &mut std::collections::hash_map::DefaultHasher, budget: &mut usize) {
        if *budget == 0 {
            return;
        }
        *budget -= 1;
        match v {
            Value::Object(m) => m.iter().for_each(|(k, x)| {
                k.hash(h);
                nested(x, h, budget);
            }),
            Value::Array(a) => {
                a.len().hash(h);
                a.iter().for_each(|x| nested(x, h, budget));
            }
            other => other.to_string().hash(h),
        }
    }
    let mut h = std::collections::hash_map::DefaultHasher::new();
    let mut budget = 512;
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                k.hash(&mut h);
                match x {
                    Value::Object(_) | Value::Array(_) => nested(x, &mut h, &mut budget),
                    scalar => scalar.to_string().hash(&mut h),
                }
            }
        }
        other => nested(other, &mut h, &mut budget),
    }
    h.finish()
}

/// Takes the list under `key` out of an answer (a listing's pages are moved into the result, not copied).
pub fn take_list(v: &mut Value, key: &str) -> Result<Vec<Value>, CallError> {
    need_list(v, key)?;
    match v.get_mut(key).map(Value::take) {
        Some(Value::Array(a)) => Ok(a),
        _ => Err(malformed(format!("the field `{key}` is not a list"))),
    }
}

impl Pages {
    pub fn new(limit: usize) -> Self {
        Self {
            items: Vec::new(),
            seen: Default::default(),
            pages: 0,
            bytes: 0,
            count: 0,
            limit: limit.max(1),
            name: None,
        }
    }

    /// Checks each item's `field` as a Kafka name ([`kafka_name`]) when its page arrives.
    pub fn named(mut self, field: Option<&'static str>) -> Self {
        self.name = field;
        self
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds a page of `bytes` answer bytes; `Ok(true)` when the listing is complete.
    pub fn add(&mut self, page: Vec<Value>, total: usize, bytes: usize) -> Result<bool, CallError> {
        let done = self.add_unkept(&page, total, bytes)?;
        self.items.extend(page);
        Ok(done)
    }

    /// [`add`](Self::add) for a page its reader turns into its own items and keeps itself: the same checks, the
    /// JSON let go page by page (a group's offsets on a 100,000-partition topic are 2,000 pages of 50).
    pub fn add_unkept(&mut self, page: &[Value], total: usize, bytes: usize) -> Result<bool, CallError> {
        self.page_arrived(total, bytes)?;
        if let Some(field) = self.name {
            page.iter().try_for_each(|item| kafka_name(item, field).map(drop))?;
        }
        self.items_arrived(page.first().map(fingerprint), page.len(), total)
    }

    /// [`add`](Self::add) for a page its reader read typed and keeps itself: the same bounds, counted from the
    /// page's length and its first item's fingerprint ([`fingerprint_of`]). Names are the reader's to check.
    pub fn add_counted(
        &mut self,
        first: Option<u64>,
        len: usize,
        total: usize,
        bytes: usize,
    ) -> Result<bool, CallError> {
        self.page_arrived(total, bytes)?;
        self.items_arrived(first, len, total)
    }

    fn page_arrived(&mut self, total: usize, bytes: usize) -> Result<(), CallError> {
        self.pages += 1;
        self.bytes += bytes;
        if self.bytes > LISTING_BYTES {
            return Err(malformed(format!(
                "the listing is larger than {} MiB after {} items; it was not read further",
                LISTING_BYTES >> 20,
                self.count
            )));
        }
        // A total that grows while it is listed (groups created meanwhile) earns its pages; more than that is a
        // service that never ends its listing.
        if self.pages > total.div_ceil(self.limit) + 2 {
            return Err(malformed(format!(
                "the service sent {} pages for a total of {total} in pages of {}",
                self.pages, self.limit
            )));
        }
        Ok(())
    }

    fn items_arrived(&mut self, first: Option<u64>, len: usize, total: usize) -> Result<bool, CallError> {
        let Some(first) = first else { return Ok(true) };
        if !self.seen.insert(first) {
            return Err(malformed(format!("the service sent a page again (after {} items)", self.count)));
        }
        self.count += len;
        if self.count > MAX_ITEMS {
            return Err(malformed(format!("the listing goes past {MAX_ITEMS} items")));
        }
        Ok(self.count >= total)
    }

    /// How many items were listed so far.
    pub fn count(&self) -> usize {
        self.count
    }

    /// The items read so far.
    pub fn items(&self) -> &[Value] {
        &self.items
    }

    pub fn into_items(self) -> Vec<Value> {
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_the_field() {
        assert!(need(&json!({}), "group").unwrap_err().to_string().contains("`group` is missing"));
        assert!(partition(&json!({"p": 4_000_000_000i64}), "p").unwrap_err().to_string().contains("not a partition"));
        assert!(offset(&json!({"o": -3}), "o").unwrap_err().to_string().contains("-3"));
        assert_eq!(committed(&json!({"c": -1}), "c").unwrap(), None);
        assert!(bounds(&json!({"s": 9, "e": 3}), "s", "e").unwrap_err().to_string().contains("below the log start"));
        assert!(total(Some(&json!(1_000_000_000_000_000i64))).is_err());
    }

    #[test]
    fn a_repeated_page_ends_the_listing_with_an_error() {
        let mut p = Pages::new(2);
        assert!(!p.add(vec![json!(1), json!(2)], 10, 10).unwrap());
        assert!(p.add(vec![json!(1), json!(2)], 10, 10).is_err());
        // Two items alike in their first hundreds of nested values still differ by their top-level fields.
        let big = |name: &str| json!({"Partitions": (0..2000).collect::<Vec<_>>(), "Topic": name});
        let mut p = Pages::new(1);
        assert!(!p.add(vec![big("a")], 3, 10).unwrap());
        assert!(!p.add(vec![big("b")], 3, 10).unwrap(), "a different topic is a new page");
        assert!(p.add(vec![big("b")], 3, 10).is_err(), "the same one again is a repeat");
    }

    #[test]
    fn pages_that_alternate_are_a_repeat_too() {
        let mut p = Pages::new(1);
        assert!(!p.add(vec![json!("a")], 100, 10).unwrap());
        assert!(!p.add(vec![json!("b")], 100, 10).unwrap());
        let e = p.add(vec![json!("a")], 100, 10).unwrap_err().to_string();
        assert!(e.contains("page again"), "{e}");
    }

    #[test]
    fn a_listing_is_bounded_by_its_bytes_and_by_the_pages_its_total_needs() {
        let mut p = Pages::new(10);
        assert!(!p.add(vec![json!(1)], 1_000, LISTING_BYTES / 2).unwrap());
        let e = p.add(vec![json!(2)], 1_000, LISTING_BYTES / 2 + 1).unwrap_err().to_string();
        assert!(e.contains("larger than 32 MiB"), "{e}");
        // Pages of one item for a total of 20 in pages of 10: two pages are needed, four are tolerated.
        let mut p = Pages::new(10);
        for i in 0..4 {
            assert!(!p.add(vec![json!(i)], 20, 1).unwrap());
        }
        assert!(p.add(vec![json!(9)], 20, 1).unwrap_err().to_string().contains("5 pages for a total of 20"));
    }

    #[test]
    fn names_from_the_network_are_kafka_names() {
        assert_eq!(kafka_name(&json!({"n": "orders.v2_x-1"}), "n").unwrap(), "orders.v2_x-1");
        let e = kafka_name(&json!({"n": "a".repeat(1 << 20)}), "n").unwrap_err().to_string();
        assert!(e.contains("`n` is 1048576 bytes long") && e.len() < 200, "{e}");
        let e = kafka_name(&json!({"n": "ok\nverified: 3 of 3"}), "n").unwrap_err().to_string();
        assert!(e.contains("\\n") && !e.contains('\n'), "{e}");
        assert!(kafka_name(&json!({"n": ""}), "n").is_err());
        assert!(kafka_name(&json!({"n": 7}), "n").is_err());
        assert!(kafka_name(&json!({"n": "a".repeat(249)}), "n").is_ok());
    }
}
