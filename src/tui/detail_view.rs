//! The detail strip: what the selected group, topic or partition is, in the one state vocabulary (the cloud's own
//! word in brackets), and what can be done with it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::state::AppState;
use super::tree::Kind;
use super::update::bounds;
use super::view::{Theme, group_lag, num, snapshot, state_style};
use crate::core::live::state_word;

pub fn render(f: &mut Frame<'_>, s: &AppState, r: Rect, th: &Theme) {
    let t = &s.trees[s.focus];
    let lines: Vec<Line<'_>> = match t.selected_node().map(|n| &n.kind) {
        Some(Kind::GroupTopic { instance, group, topic }) => match snapshot(s, instance, group) {
            Some(Ok(snap)) => {
                let parts: Vec<_> = snap.partitions.iter().filter(|p| *p.topic == **topic).collect();
                let committed = parts.iter().filter(|p| p.committed.is_some()).count();
                vec![
                    Line::from(vec![
                        Span::styled(format!("topic {topic} of group {group}: "), th.bold()),
                        Span::raw(format!("{} partition(s), committed on {committed}", parts.len())),
                        Span::raw(format!("  {}", group_lag(snap, Some(topic)))),
                    ]),
                    Line::from(format!(
                        "group state {} [{}]; → lists its partitions, r resets this topic only",
                        state_word(&snap.state),
                        snap.state
                    )),
                ]
            }
            Some(Err(e)) => vec![Line::styled(format!("group {group}: live read failed: {e}"), th.fg(Color::Red))],
            None => vec![Line::from(format!("topic {topic} of group {group}: {}", waiting(s, instance, group)))],
        },
        Some(Kind::Topic { instance, topic }) => {
            match s
                .live
                .topics
                .get(&crate::core::target::TopicRef::new(instance.to_string(), topic.to_string()))
                .and_then(|r| r.as_ref().ok())
            {
                Some(ps) => {
                    let held: i64 = ps.iter().map(|p| p.end - p.start).sum();
                    vec![
                        Line::styled(format!("topic {topic} on {instance}: {} partition(s)", ps.len()), th.bold()),
                        Line::from(format!("{held} message(s) in the logs; X deletes messages before an offset")),
                    ]
                }
                None => vec![Line::from(format!("topic {topic} on {instance}: its partitions come from a live read"))],
            }
        }
        Some(Kind::Group { instance, group }) => {
            match snapshot(s, instance, group) {
                Some(Ok(snap)) => {
                    let members = if snap.members.is_empty() {
                        "no members".to_owned()
                    } else {
                        snap.members
                            .iter()
                            .map(|m| {
                                crate::core::inert::inert(format!("{} {}", m.client_id, m.host).trim()).into_owned()
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    vec![
                        Line::from(vec![
                            Span::styled(format!("group {group} on {instance}: "), th.bold()),
                            // One vocabulary everywhere; the cloud's own word in brackets.
                            Span::styled(
                                format!("{} [{}]", state_word(&snap.state), snap.state),
                                state_style(th, &snap.state),
                            ),
                            Span::raw(format!("  total {}", group_lag(snap, None))),
                        ]),
                        // Before the members: where the strip is two lines, how the group is doing over time.
                        figures_line(s, instance, group, th),
                        Line::from(format!("members: {members}")),
                        Line::from(if snap.is_inactive() {
                            "offsets can be changed (no live consumers)"
                        } else {
                            "has live consumers: resets and offset deletes will be refused"
                        }),
                    ]
                }
                Some(Err(e)) => vec![Line::styled(format!("group {group}: live read failed: {e}"), th.fg(Color::Red))],
                None => {
                    match s
                        .live
                        .summaries
                        .get(&crate::core::target::GroupRef::new(instance.to_string(), group.to_string()))
                    {
                        // Known from its instance's listing; the detail is on its way (read when the cursor lands).
                        Some(g) => vec![
                            Line::from(vec![
                                Span::raw(format!("group {group} on {instance}: ")),
                                Span::styled(state_word(&g.state).to_owned(), state_style(th, &g.state)),
                                Span::raw(g.lag.map(|l| format!("  total lag {l}")).unwrap_or_default()),
                                Span::raw(g.members.map(|m| format!("  {m} member(s)")).unwrap_or_default()),
                            ]),
                            Line::styled("from the listing; reading its partitions…", th.fg(Color::DarkGray)),
                        ],
                        None => vec![Line::from(format!("group {group}: {}", waiting(s, instance, group)))],
                    }
                }
            }
        }
        Some(Kind::GroupPartition { instance, group, topic, partition }) => {
            let p = snapshot(s, instance, group)
                .and_then(|r| r.as_ref().ok())
                .and_then(|snap| snap.partitions.iter().find(|p| *p.topic == **topic && p.partition == *partition));
            match p {
                Some(p) => vec![
                    Line::styled(format!("{topic} partition {partition}, group {group}"), th.bold()),
                    Line::from(format!(
                        "committed {}   log start {}   log end {}   lag {}",
                        num(p.committed),
                        num(p.start),
                        num(p.end),
                        num(p.lag())
                    )),
                ],
                None => vec![Line::from(format!("{topic} partition {partition}: {}", waiting(s, instance, group)))],
            }
        }
        Some(Kind::Partition { instance, topic, partition }) => match bounds(s, instance, topic, *partition) {
            Some((a, b)) => vec![
                Line::from(vec![
                    Span::styled(format!("{topic} partition {partition}: "), th.bold()),
                    Span::raw(format!("log start {a}   log end {b}   {} messages", b - a)),
                ]),
                Line::from(last_message(s, instance, topic, *partition)),
            ],
            None => {
                vec![Line::from(format!("{topic} partition {partition}: log bounds come from a group's live data"))]
            }
        },
        Some(Kind::Instance { instance, .. }) => {
            let info = s.instance_info(instance);
            vec![Line::from(format!(
                "{} instance {instance}, account {}",
                info.as_ref().map_or("", |i| i.1.word()),
                info.as_ref().map_or("", |i| i.0.as_str())
            ))]
        }
        Some(_) => vec![Line::from("select a group, topic or partition for details")],
        None => vec![],
    };
    let block = Block::default().borders(Borders::TOP).title(" detail ");
    f.render_widget(Paragraph::new(lines).block(block), r);
}

/// What a group without live data is waiting for: its read under way, or the next refresh.
fn waiting(s: &AppState, instance: &str, group: &str) -> &'static str {
    let key = crate::core::target::GroupRef::new(instance.to_owned(), group.to_owned());
    if s.live.detail_asked.contains(&key) {
        "its partitions are being read (a group of thousands of partitions takes a while)"
    } else {
        "waiting for live data (R refreshes)"
    }
}

/// The group's lag over time in one line: status, ETA, time lag, rates, and how many reads say so.
fn figures_line(s: &AppState, instance: &str, group: &str, th: &Theme) -> Line<'static> {
    use crate::core::lag::figures as words;
    let key = crate::core::target::GroupRef::new(instance.to_owned(), group.to_owned());
    let Some(f) = s.live.figures.get(&key) else {
        return Line::styled("over time: no samples yet", th.fg(Color::DarkGray));
    };
    if f.reach < words::MIN_REACH {
        return Line::styled("over time: status, ETA and rates once the reads span a minute", th.fg(Color::DarkGray));
    }
    let rate = |r: Option<f64>| r.map_or("?".to_owned(), words::per_sec);
    // A loss that is coming or happened leads the line: it is what cannot wait. Short forms, so the line fits
    // (`describe` has the sentences).
    let loss = match f.loss.loss {
        crate::core::lag::Loss::AlreadyLost { .. }
        | crate::core::lag::Loss::In(_)
        | crate::core::lag::Loss::Within(_) => {
            Span::styled(format!("loss {}  ", words::loss_short(&f.loss)), th.fg(Color::Red))
        }
        _ => Span::raw(""),
    };
    Line::from(vec![
        loss,
        Span::styled(f.verdict.status.word(), th.bold()),
        Span::raw(format!(
            "  eta {}  time lag {}  in {} out {}  {} reads over {}",
            words::eta_short(&f.eta.eta),
            words::time_lag_short(&f.time_lag),
            rate(f.production),
            rate(f.consumption),
            f.samples,
            words::span(f.reach)
        )),
    ])
}

/// When the newest message of a partition was written, in the profile's zone, where the API tells it.
fn last_message(s: &AppState, instance: &str, topic: &str, partition: i32) -> String {
    let ms = s
        .live
        .topics
        .get(&crate::core::target::TopicRef::new(instance.to_owned(), topic.to_owned()))
        .and_then(|r| r.as_ref().ok())
        .and_then(|ps| ps.iter().find(|p| p.partition == partition))
        .and_then(|p| p.last_message_ms);
    match ms.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok()) {
        Some(at) => {
            let tz = jiff::tz::TimeZone::get(&s.zone_name).unwrap_or(jiff::tz::TimeZone::UTC);
            format!("newest message at {}", crate::core::strategy::echo_time(at, &tz, &s.zone_name))
        }
        None => "message times: this API does not publish them".into(),
    }
}
