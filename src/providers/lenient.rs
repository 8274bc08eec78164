//! Lenient readers for response fields: numbers that arrive as strings, `"partition-N"`, missing fields.

use serde_json::Value;

/// An integer from a number, a numeric string, or `"partition-N"`.
pub fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.strip_prefix("partition-").unwrap_or(s).trim().parse().ok(),
        _ => None,
    }
}

/// A string, or a number shown as one.
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// The elements of an array field, or none.
pub fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_loosely() {
        assert_eq!(int(&json!("partition-7")), Some(7));
        assert_eq!(int(&json!("42")), Some(42));
        assert_eq!(int(&json!(3)), Some(3));
        assert_eq!(int(&json!(null)), None);
        assert_eq!(text(&json!(0)), "0");
        assert!(list(&json!({}), "x").is_empty());
    }
}
