//! Reading a successful answer strictly: a 200 that lacks what the call must return, or returns numbers no Kafka
//! partition can have, is a "malformed answer" naming the field, never empty state or a plan built on it.

use serde_json::Value;

use super::client::Answer;
use super::error::CallError;
use super::lenient::int;

/// The most items any listing is followed to: no instance offsetdeck reads has more partitions or groups.
pub const MAX_ITEMS: usize = 1_000_000;

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
    match v.get(key) {
        Some(Value::Null) | None => Err(malformed(format!("the field `{key}` is missing"))),
        Some(x) => Ok(x),
    }
}

/// A list that must be there (it may be empty).
pub fn need_list<'a>(v: &'a Value, key: &str) -> Result<&'a [Value], CallError> {
    need(v, key)?.as_array().map(Vec::as_slice).ok_or_else(|| malformed(format!("the field `{key}` is not a list")))
}

/// A partition number: a whole number from 0 to 2^31 - 1.
pub fn partition(v: &Value, key: &str) -> Result<i32, CallError> {
    let n = int(need(v, key)?).ok_or_else(|| malformed(format!("the field `{key}` is not a partition number")))?;
    i32::try_from(n)
        .ok()
        .filter(|p| *p >= 0)
        .ok_or_else(|| malformed(format!("the field `{key}` is {n}, not a partition number (0 to 2147483647)")))
}

/// An offset: a whole number, 0 or more.
pub fn offset(v: &Value, key: &str) -> Result<i64, CallError> {
    let n = int(need(v, key)?).ok_or_else(|| malformed(format!("the field `{key}` is not a whole number")))?;
    if n < 0 {
        return Err(malformed(format!("the field `{key}` is {n}; an offset is 0 or more")));
    }
    Ok(n)
}

/// A committed offset: absent, null or -1 mean "none"; anything else must be 0 or more.
pub fn committed(v: &Value, key: &str) -> Result<Option<i64>, CallError> {
    match v.get(key) {
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

/// Follows a listing safely: stops at the total, when a page is empty, and refuses a service that repeats a page or
/// lists more than the total it claimed.
pub struct Pages {
    items: Vec<Value>,
    /// A fingerprint of the last page's first item: pages are taken, not copied (one item may hold a topic's
    /// 100,000 partitions), so the repeat check compares fingerprints.
    last_first: Option<u64>,
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
    pub fn new() -> Self {
        Self { items: Vec::new(), last_first: None }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Adds a page; `Ok(true)` when the listing is complete.
    pub fn add(&mut self, page: Vec<Value>, total: usize) -> Result<bool, CallError> {
        let Some(first) = page.first().map(fingerprint) else { return Ok(true) };
        if Some(first) == self.last_first {
            return Err(malformed(format!("the service sent the same page twice (after {} items)", self.items.len())));
        }
        self.last_first = Some(first);
        self.items.extend(page);
        if self.items.len() > MAX_ITEMS {
            return Err(malformed(format!("the listing goes past {MAX_ITEMS} items")));
        }
        Ok(self.items.len() >= total)
    }

    pub fn into_items(self) -> Vec<Value> {
        self.items
    }
}

impl Default for Pages {
    fn default() -> Self {
        Self::new()
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
        let mut p = Pages::new();
        assert!(!p.add(vec![json!(1), json!(2)], 10).unwrap());
        assert!(p.add(vec![json!(1), json!(2)], 10).is_err());
        // Two items alike in their first hundreds of nested values still differ by their top-level fields.
        let big = |name: &str| json!({"Partitions": (0..2000).collect::<Vec<_>>(), "Topic": name});
        let mut p = Pages::new();
        assert!(!p.add(vec![big("a")], 3).unwrap());
        assert!(!p.add(vec![big("b")], 3).unwrap(), "a different topic is a new page");
        assert!(p.add(vec![big("b")], 3).is_err(), "the same one again is a repeat");
    }
}
