//! The confirmation of several groups as a sheet: one line per group above, every partition with its group and
//! then the groups left out (and why) in the scrolling body, the totals and the count to type below.

use ratatui::style::{Color, Modifier};
use ratatui::text::Line;

use super::confirm_view::typed_prompt;
use super::modal_view::clip;

/// A group's name cut at its start: names of one team share their beginning and differ at the end.
fn clip_start(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width || width == 0 {
        return s.to_owned();
    }
    format!("…{}", s.chars().skip(n - width + 1).collect::<String>())
}
use super::sheet::{Body, Fit, Sheet, inner_width};
use super::state::BatchConfirm;
use super::view::Theme;

/// Group lines shown above the table before the rest are summed up in one line.
const GROUP_LINES: usize = 4;

/// The columns after the group's: topic, partition, committed, target, effect, lag after.
const REST: usize = 12 + 5 + 11 + 11 + 13 + 10;

/// The confirmation laid out on a `screen`-sized terminal.
pub fn fit(c: &BatchConfirm, screen: (u16, u16), th: &Theme) -> Fit {
    sheet(c, screen.0, th).fit(screen, c.scroll)
}

pub fn sheet<'a>(c: &'a BatchConfirm, screen_w: u16, th: &Theme) -> Sheet<'a> {
    let th = *th;
    let b = &c.batch;
    let n = b.plans.len();
    let instance = b.plans.first().map(|p| format!("{} `{}`", p.target.kind, p.target.instance)).unwrap_or_default();
    let alarm = th.fg(Color::Red).add_modifier(Modifier::BOLD);
    let mut top = vec![Line::styled(
        format!("reset {n} group(s) on {instance}: each on its committed topics, all partitions"),
        th.bold(),
    )];
    for p in b.plans.iter().take(GROUP_LINES) {
        let (replayed, skipped) = p.totals();
        top.push(Line::from(format!(
            "  {}: {} partition(s), {replayed} consumed again, {skipped} skipped, {} call(s)",
            p.group.as_deref().unwrap_or_default(),
            p.rows.len(),
            p.calls.len()
        )));
    }
    if n > GROUP_LINES {
        top.push(Line::from(format!("  … and {} more group(s), in the table below", n - GROUP_LINES)));
    }
    let left_out = b.left_out_lines();
    if !b.left_out.is_empty() {
        top.push(Line::styled(
            format!("{} group(s) LEFT OUT, not written: listed after the rows (End)", b.left_out.len()),
            alarm,
        ));
    }
    if !b.unchanged.is_empty() {
        top.push(Line::from(format!("{} group(s) need no change: nothing is sent for them", b.unchanged.len())));
    }
    // The group column fits the longest name, as far as the rest of the table leaves room.
    let longest = c.rows().map(|(g, _)| g.chars().count()).max().unwrap_or(0);
    let gw = (longest + 1).clamp(6, inner_width(screen_w).saturating_sub(REST).max(6));
    let header = format!(
        "{:<gw$}{:<12}{:>5} {:>10} {:>10} {:>12} {:>9}",
        "group", "topic", "part", "committed", "target", "effect", "lag after"
    );
    // Where each group's rows start among all rows: an entry is found without walking the ones before it.
    let starts: Vec<usize> = b
        .plans
        .iter()
        .scan(0, |n, p| {
            let at = *n;
            *n += p.rows.len();
            Some(at)
        })
        .collect();
    let rows: usize = b.plans.iter().map(|p| p.rows.len()).sum();
    let plans = &b.plans;
    let body = Body::new(rows + left_out.len(), move |i| {
        if i >= rows {
            let l = &left_out[i - rows];
            return match l.strip_prefix("left out") {
                Some(rest) => Line::styled(format!("LEFT OUT{rest}"), alarm),
                None => Line::styled(l.clone(), th.bold()),
            };
        }
        let g = starts.partition_point(|s| *s <= i) - 1;
        let (p, r) = (&plans[g], &plans[g].rows[i - starts[g]]);
        let show = |v: Option<i64>| v.map_or("-".to_owned(), |x| x.to_string());
        Line::from(format!(
            "{:<gw$}{:<12}{:>5} {:>10} {:>10} {:>12} {:>9}",
            clip_start(p.group.as_deref().unwrap_or_default(), gw - 1),
            clip(&r.topic, 11),
            r.partition,
            show(r.current),
            show(r.target),
            r.effect(),
            show(r.lag_after())
        ))
    });
    let (partitions, replayed, skipped) = b.totals();
    let calls: usize = b.plans.iter().map(|p| p.calls.len()).sum();
    let mut bottom = vec![Line::from(format!(
        "In all: {partitions} partition(s), {replayed} consumed again, {skipped} skipped; {calls} call(s), one \
         group after another, each snapshotted. Ctrl-S exports the targets as CSV."
    ))];
    if c.view_only {
        bottom.push(Line::styled("DRY RUN: nothing will be sent from here. Esc closes.", th.bold()));
    } else {
        let name = b.confirmation.name().unwrap_or_default();
        bottom.push(typed_prompt(name, c.typed.value(), &b.confirmation, &th));
    }
    Sheet {
        title: format!("confirm reset of {n} groups"),
        top,
        header: Some(Line::styled(header, th.bold())),
        body,
        bottom,
        min_width: super::confirm_view::MIN_WIDTH,
        border: th.fg(Color::Yellow),
    }
}
