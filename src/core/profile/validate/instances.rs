//! An account's instances and subscriptions, and what each inherits from its account: safety and scope.

use super::super::raw::{Named, RawDts, RawInstance, S};
use super::super::rules::valid_topic_name;
use super::super::{model::*, scope::Scope};
use super::Ctx;
use crate::core::diag::did_you_mean;

/// `discover`, `include` and `exclude` at one level, over its parent's; a bad pattern is named where it was typed.
pub(super) fn scope(cx: &mut Ctx, parent: &Scope, r: RawScope<'_>, key: &str) -> Scope {
    let (discover, include, exclude) = r;
    let mut patterns = |list: &Option<Vec<S<String>>>, which: &str| -> Option<Vec<String>> {
        let list = list.as_ref()?;
        let mut out = Vec::new();
        for p in list {
            match super::super::scope::check_glob(p.get_ref()) {
                Ok(()) => out.push(p.get_ref().clone()),
                Err(why) => cx.error(
                    p.span(),
                    &format!("{key}.{which}"),
                    format!("{:?} is not a usable name pattern: {why}", p.get_ref()),
                    "use * for any run of characters and ? for one, e.g. \"etl-*\"",
                ),
            }
        }
        Some(out)
    };
    let include = patterns(include, "include");
    let exclude = patterns(exclude, "exclude");
    Scope::inherit(parent, discover, include, exclude).unwrap_or_else(|_| parent.clone())
}

type RawScope<'a> = (Option<bool>, &'a Option<Vec<S<String>>>, &'a Option<Vec<S<String>>>);

pub(super) fn safety(parent: Safety, protected: Option<bool>, read_only: Option<bool>) -> Safety {
    Safety { protected: protected.unwrap_or(parent.protected), read_only: read_only.unwrap_or(parent.read_only) }
}

pub(super) fn instances(
    cx: &mut Ctx,
    raw: &Named<RawInstance>,
    prefix: &str,
    parent: (Safety, &Scope),
) -> Vec<KafkaInstance> {
    raw.iter()
        .map(|(name, inst)| {
            let key = format!("{prefix}.{}", name.get_ref());
            let name = cx.instance_name(name, &key);
            instance(cx, name, inst.get_ref(), &key, parent)
        })
        .collect()
}

fn instance(cx: &mut Ctx, name: String, i: &RawInstance, key: &str, (parent, up): (Safety, &Scope)) -> KafkaInstance {
    let id = cx.non_empty(&i.id, &format!("{key}.id"), "write the cloud's instance id");
    let mut topics = Vec::new();
    for (t, count) in &i.topics {
        let tkey = format!("{key}.topics.{}", t.get_ref());
        if !valid_topic_name(t.get_ref()) {
            cx.error(
                t.span(),
                &tkey,
                format!("{:?} is not a valid Kafka topic name", t.get_ref()),
                "topic names use letters, digits, '.', '_' and '-', at most 249 characters",
            );
        }
        let partitions = cx.partitions(count, &tkey);
        topics.push(TopicSpec { name: t.get_ref().clone(), partitions });
    }
    let topic_names: Vec<&str> = topics.iter().map(|t| t.name.as_str()).collect();
    let mut groups = Vec::new();
    for (g, list) in &i.groups {
        let gkey = format!("{key}.groups.{}", g.get_ref());
        if g.get_ref().is_empty() {
            cx.error(g.span(), &gkey, "a group name is empty", "write the consumer group's id");
        }
        let mut seen: Vec<&str> = Vec::new();
        for t in list {
            let tn = t.get_ref().as_str();
            if seen.contains(&tn) {
                cx.error(
                    t.span(),
                    &gkey,
                    format!("topic `{tn}` is listed twice for group `{}`", g.get_ref()),
                    "list each topic once",
                );
            } else if !topic_names.contains(&tn) {
                let hint = did_you_mean(tn, topic_names.iter().copied())
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                cx.error(
                    t.span(),
                    &gkey,
                    format!("group `{}` lists topic `{tn}`, which is not in this instance's topics", g.get_ref()),
                    format!("{hint}add it to `topics = {{ ... }}` with its partition count, or fix the name"),
                );
            }
            seen.push(tn);
        }
        groups
            .push(GroupSpec { name: g.get_ref().clone(), topics: list.iter().map(|t| t.get_ref().clone()).collect() });
    }
    let scope = scope(cx, up, (i.discover, &i.include, &i.exclude), key);
    let safety = safety(parent, i.protected, i.read_only);
    KafkaInstance { name, id, topics, groups, safety, scope, origin: Origin::Pinned }
}

pub(super) fn dts_subscription(
    cx: &mut Ctx,
    name: String,
    d: &RawDts,
    key: &str,
    (parent, up): (Safety, &Scope),
) -> DtsSubscription {
    let subscribe_id = cx.non_empty(
        &d.subscribe_id,
        &format!("{key}.subscribe_id"),
        "write the subscription id, e.g. \"subs-635ns8r71g\"",
    );
    let topic = cx.non_empty(
        &d.topic,
        &format!("{key}.topic"),
        "write the subscription's Kafka topic (DescribeSubscribeDetail shows it)",
    );
    let partitions = cx.partitions(&d.partitions, &format!("{key}.partitions"));
    let mut groups: Vec<String> = Vec::new();
    for g in &d.groups {
        let gn = g.get_ref();
        let gkey = format!("{key}.groups");
        if let Some(short) = gn.strip_prefix(DTS_GROUP_PREFIX) {
            let short = short.strip_prefix(&format!("{subscribe_id}-")).unwrap_or(short);
            cx.error(
                g.span(),
                &gkey,
                format!("group {gn:?} already carries the `{DTS_GROUP_PREFIX}` prefix"),
                format!("write the short name {short:?}; offsetdeck derives {DTS_GROUP_PREFIX}{subscribe_id}-{short}"),
            );
        } else if gn.trim().is_empty() {
            cx.error(g.span(), &gkey, "a group name is empty", "write the group's short name");
        } else if groups.contains(gn) {
            cx.error(g.span(), &gkey, format!("group `{gn}` is listed twice"), "list each group once");
        }
        groups.push(gn.clone());
    }
    let scope = scope(cx, up, (d.discover, &d.include, &d.exclude), key);
    let safety = safety(parent, d.protected, d.read_only);
    DtsSubscription { name, subscribe_id, topic, partitions, groups, safety, scope, origin: Origin::Pinned }
}
