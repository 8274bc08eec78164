//! Offsets as `kafka-consumer-groups.sh --reset-offsets --export` writes them: `topic,partition,offset` lines with no
//! header, or `group,topic,partition,offset` when several groups are exported. Either tool reads the other's file.

use super::strategy::Pin;

/// A line that cannot be used, with its number (from 1) and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file} line {line}: {message}")]
pub struct CsvError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// Reads a CSV of offsets for `group`: both forms; a group column must name `group`; each topic and partition once.
/// Empty lines are skipped; anything else that does not parse is refused with its line number. With `several`
/// (one file for several groups) every line needs its group column, and other groups' lines are skipped.
pub fn parse(text: &str, file: &str, group: &str, several: bool) -> Result<Vec<Pin>, CsvError> {
    let err = |line: usize, message: String| CsvError { file: file.to_owned(), line, message };
    let mut pins: Vec<Pin> = Vec::new();
    let mut seen = std::collections::HashMap::new();
    // Spreadsheets save CSV with a byte-order mark; it is not part of the first topic's name.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let fields: Vec<&str> = raw.split(',').map(str::trim).collect();
        let shown = |v: &str| crate::core::inert::inert(v).into_owned();
        let (topic, partition, offset) = match fields[..] {
            [_, _, _] if several => {
                return Err(err(
                    line,
                    "with several groups, each line needs its group: group,topic,partition,offset".into(),
                ));
            }
            [t, p, o] => (t, p, o),
            [g, ..] if several && g != group => continue,
            [g, t, p, o] => {
                if g != group {
                    return Err(err(
                        line,
                        format!(
                            "the group column says `{g}`, but the plan is for `{group}`; give --group {g}, or remove the other groups' lines",
                            g = shown(g)
                        ),
                    ));
                }
                (t, p, o)
            }
            _ => {
                return Err(err(
                    line,
                    format!(
                        "expected topic,partition,offset or group,topic,partition,offset; found {} field(s)",
                        fields.len()
                    ),
                ));
            }
        };
        if topic.is_empty() {
            return Err(err(line, "the topic is empty".into()));
        }
        let partition: i32 = partition.parse().ok().filter(|p| *p >= 0).ok_or_else(|| {
            err(line, format!("partition {:?} is not a whole number from 0 to 2147483647", shown(partition)))
        })?;
        let offset: i64 = offset
            .parse()
            .ok()
            .filter(|o| *o >= 0)
            .ok_or_else(|| err(line, format!("offset {:?} is not a whole number, 0 or more", shown(offset))))?;
        if let Some(first) = seen.insert((topic.to_owned(), partition), line) {
            return Err(err(
                line,
                format!(
                    "{} partition {partition} is already given on line {first}; give each partition once",
                    shown(topic)
                ),
            ));
        }
        pins.push(Pin { topic: topic.to_owned(), partition, offset, line: Some(line) });
    }
    if pins.is_empty() && several {
        return Err(err(1, format!("the file has no lines for group `{group}`; add them, or leave the group out")));
    }
    if pins.is_empty() {
        return Err(err(1, "the file has no offsets".into()));
    }
    Ok(pins)
}

/// Writes offsets as CSV: `topic,partition,offset`, or with a leading group column when `group` is given. A name
/// that would not read back as one field (a comma, a line break, a control character: no Kafka name has one) is
/// refused, never written: `orders,7,0\norders` as a topic would add a row that `--from-file` applies.
pub fn write(rows: impl IntoIterator<Item = (String, i32, i64)>, group: Option<&str>) -> Result<String, String> {
    let unsafe_name = |n: &str| n.is_empty() || n.chars().any(|c| c == ',' || c.is_control() || c == '\u{feff}');
    if let Some(g) = group.filter(|g| unsafe_name(g)) {
        return Err(format!(
            "group {:?} cannot be a CSV field (a comma or a control character)",
            super::inert::inert(g)
        ));
    }
    let mut out = String::new();
    for (t, p, o) in rows {
        if unsafe_name(&t) {
            return Err(format!(
                "topic {:?} cannot be a CSV field (a comma or a control character)",
                super::inert::inert(&t)
            ));
        }
        match group {
            Some(g) => out.push_str(&format!("{g},{t},{p},{o}\n")),
            None => out.push_str(&format!("{t},{p},{o}\n")),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_forms_and_writes_what_it_reads() {
        let pins = parse("orders,0,120\n\norders,1,0\npayments,2,7\n", "a.csv", "g", false).unwrap();
        assert_eq!(pins.len(), 3);
        assert_eq!(
            (pins[2].topic.as_str(), pins[2].partition, pins[2].offset, pins[2].line),
            ("payments", 2, 7, Some(4))
        );
        let text = write(pins.iter().map(|p| (p.topic.clone(), p.partition, p.offset)), Some("g")).unwrap();
        assert_eq!(text, "g,orders,0,120\ng,orders,1,0\ng,payments,2,7\n");
        let again = parse(&text, "b.csv", "g", false).unwrap();
        assert_eq!(again.iter().map(|p| p.offset).collect::<Vec<_>>(), [120, 0, 7]);
    }

    #[test]
    fn a_name_that_would_forge_a_row_is_never_written() {
        let forged = "orders,7,0\norders".to_owned();
        assert!(write([(forged, 0, 5)], None).unwrap_err().contains("cannot be a CSV field"));
        assert!(write([("t".to_owned(), 0, 5)], Some("a,b")).is_err());
        assert_eq!(write([("t".to_owned(), 0, 5)], None).unwrap(), "t,0,5\n");
    }

    #[test]
    fn refuses_with_the_line_and_the_fix() {
        let e = |t: &str| parse(t, "f.csv", "g", false).unwrap_err().to_string();
        assert_eq!(
            e("t,0,1\nt,0,2\n"),
            "f.csv line 2: t partition 0 is already given on line 1; give each partition once"
        );
        assert!(e("other,t,0,1\n").contains("line 1: the group column says `other`"));
        assert!(e("t,x,1\n").contains("line 1: partition \"x\""));
        assert!(e("t,0,-4\n").contains("offset \"-4\""));
        assert!(e("t,0\n").contains("found 2 field(s)"));
        assert!(e("\n\n").contains("no offsets"));
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_topic_and_quoted_text_is_inert() {
        let pins = parse("\u{feff}orders,0,5\n", "f.csv", "g", false).unwrap();
        assert_eq!(pins[0].topic, "orders");
        let e = parse("t,\u{1b}[2J,1\n", "f.csv", "g", false).unwrap_err().to_string();
        assert!(e.starts_with("f.csv line 1: partition") && !e.contains('\u{1b}'), "{e}");
    }

    #[test]
    fn one_file_for_several_groups_gives_each_its_lines() {
        let text = "a,t,0,5\nb,t,0,9\na,t,1,6\n";
        let a = parse(text, "f.csv", "a", true).unwrap();
        assert_eq!(
            a.iter().map(|p| (p.partition, p.offset, p.line)).collect::<Vec<_>>(),
            [(0, 5, Some(1)), (1, 6, Some(3))]
        );
        assert_eq!(parse(text, "f.csv", "b", true).unwrap()[0].offset, 9);
        assert!(parse(text, "f.csv", "c", true).unwrap_err().to_string().contains("no lines for group `c`"));
        assert!(parse("t,0,5\n", "f.csv", "a", true).unwrap_err().to_string().contains("needs its group"));
    }
}
