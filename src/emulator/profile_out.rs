//! `--write-profile`: a profile in the foundation schema that points every account at the emulator.

use std::fmt::Write;

use super::state::World;
use crate::core::profile::DTS_GROUP_PREFIX;

fn topics_table(topics: &[super::state::Topic]) -> String {
    topics.iter().map(|t| format!("{} = {}", quote_key(&t.name), t.partitions.len())).collect::<Vec<_>>().join(", ")
}

fn quote_key(k: &str) -> String {
    if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') { k.to_owned() } else { format!("{k:?}") }
}

/// The profile text, every API at one URL. Keys are the emulator's fake ones, written inline.
pub fn write_profile(world: &World, url: &str) -> String {
    write_profile_for(world, &[url.to_owned(), url.to_owned(), url.to_owned()])
}

/// The profile text with each API's own URL: Huawei, CKafka, DTS.
pub fn write_profile_for(world: &World, urls: &[String; 3]) -> String {
    let [url, ckafka_url, dts_url] = urls;
    let mut out = String::from(
        "# Written by `offsetdeck emulator --write-profile`: every account points at the local emulator.\n\
         # The keys below are the emulator's fake credentials; they open nothing anywhere else.\n\n\
         [settings]\ntimezone = \"Asia/Shanghai\"\n",
    );
    for a in &world.huawei {
        let _ = write!(
            out,
            "\n[huawei.{}]\nregion = \"{}\"\nproject_id = \"{}\"\nendpoint = \"{url}\"\nak = \"{}\"\nsk = \"{}\"\n",
            quote_key(&a.name),
            a.region,
            a.project_id,
            a.ak,
            a.sk
        );
        for i in &a.instances {
            let _ =
                write!(out, "\n[huawei.{}.instances.{}]\nid = \"{}\"\n", quote_key(&a.name), quote_key(&i.name), i.id);
            groups(&mut out, i);
        }
    }
    for a in &world.tencent {
        let _ = write!(
            out,
            "\n[tencent.{}]\nregion = \"{}\"\nckafka_endpoint = \"{ckafka_url}\"\ndts_endpoint = \"{dts_url}\"\nsecret_id = \"{}\"\nsecret_key = \"{}\"\n",
            quote_key(&a.name),
            a.region,
            a.secret_id,
            a.secret_key
        );
        for i in &a.ckafka {
            let _ =
                write!(out, "\n[tencent.{}.ckafka.{}]\nid = \"{}\"\n", quote_key(&a.name), quote_key(&i.name), i.id);
            groups(&mut out, i);
        }
        for d in &a.dts {
            let prefix = format!("{DTS_GROUP_PREFIX}{}-", d.subscribe_id);
            let short: Vec<String> =
                d.groups.iter().map(|g| format!("{:?}", g.name.strip_prefix(&prefix).unwrap_or(&g.name))).collect();
            let _ = write!(
                out,
                "\n[tencent.{}.dts.{}]\nsubscribe_id = \"{}\"\ntopic = \"{}\"\npartitions = {}\ngroups = [{}]\n",
                quote_key(&a.name),
                quote_key(&d.name),
                d.subscribe_id,
                d.topic.name,
                d.topic.partitions.len(),
                short.join(", ")
            );
        }
    }
    out
}

fn groups(out: &mut String, i: &super::state::Instance) {
    let _ = writeln!(out, "topics = {{ {} }}", topics_table(&i.topics));
    let gs: Vec<String> = i
        .groups
        .iter()
        .map(|g| {
            let ts: Vec<String> = g.topics().iter().map(|t| format!("{t:?}")).collect();
            format!("{} = [{}]", quote_key(&g.name), ts.join(", "))
        })
        .collect();
    let _ = writeln!(out, "groups = {{ {} }}", gs.join(", "));
}
