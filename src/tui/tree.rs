//! The resource trees: an arena of nodes built from the profile, with the visible rows cached and recomputed only
//! when the structure, the expansion or the filter changes (never per frame).

use std::collections::HashSet;
use std::sync::Arc;

use crate::core::credentials::Cloud;
use crate::core::profile::{DtsSubscription, KafkaInstance, Profile};
use crate::core::target::AccountKey;

/// What a node stands for. Names are profile names; live data is looked up by them at render time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// An account.
    Account { account: Arc<str> },
    /// An instance or DTS subscription.
    Instance { instance: Arc<str>, dts: bool },
    /// The "Groups" folder.
    Groups,
    /// A consumer group.
    Group { instance: Arc<str>, group: Arc<str> },
    /// A topic under a group.
    GroupTopic { instance: Arc<str>, group: Arc<str>, topic: Arc<str> },
    /// A partition under a group's topic.
    GroupPartition { instance: Arc<str>, group: Arc<str>, topic: Arc<str>, partition: i32 },
    /// The "Topics" folder.
    Topics,
    /// A topic under an instance.
    Topic { instance: Arc<str>, topic: Arc<str> },
    /// A partition under an instance's topic.
    Partition { instance: Arc<str>, topic: Arc<str>, partition: i32 },
}

/// One node.
#[derive(Debug, Clone)]
pub struct Node {
    /// What it is.
    pub kind: Kind,
    /// The text to match and show (shared: thousands of partitions are called `p0`).
    pub name: Arc<str>,
    /// `name` lowercased once, so a filter keystroke does not lowercase every node again (shared when equal).
    pub lower: Arc<str>,
    /// Depth, 0 for accounts.
    pub depth: u16,
    /// Parent index.
    pub parent: Option<usize>,
    /// Child indices.
    pub children: Vec<usize>,
    /// A topic's partitions `0..parts`, made into nodes only while the topic is open (and released when it is
    /// closed): a 100,000-partition topic costs one node until someone looks inside it.
    pub parts: u32,
}

/// A tree with its expansion, filter, selection and visible rows.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    /// All nodes.
    pub nodes: Vec<Node>,
    /// Top-level nodes.
    pub roots: Vec<usize>,
    /// Expanded nodes.
    pub opened: HashSet<usize>,
    /// Case-insensitive filter; empty for none.
    pub filter: String,
    /// Nodes the filter matches by what the tree does not hold (a group's state word), set with the filter.
    pub also_matching: HashSet<usize>,
    /// Visible node indices, in order (the cache).
    pub visible: Vec<usize>,
    /// The selected node.
    pub selected: Option<usize>,
    /// First visible row shown.
    pub offset: usize,
    /// Slots of released partition nodes, reused first.
    free: std::collections::BTreeSet<usize>,
    /// `p0`, `p1`, …: one label shared by every partition of that number.
    labels: Vec<Arc<str>>,
}

impl Tree {
    fn add(&mut self, parent: Option<usize>, kind: Kind, name: impl Into<Arc<str>>) -> usize {
        let name: Arc<str> = name.into();
        let depth = parent.map_or(0, |p| self.nodes[p].depth + 1);
        let id = self.nodes.len();
        let lower: Arc<str> =
            if name.chars().any(char::is_uppercase) { name.to_lowercase().into() } else { name.clone() };
        self.nodes.push(Node { kind, name, lower, depth, parent, children: Vec::new(), parts: 0 });
        match parent {
            Some(p) => self.nodes[p].children.push(id),
            None => self.roots.push(id),
        }
        id
    }

    fn add_instance(&mut self, parent: usize, i: &KafkaInstance) {
        let name: Arc<str> = i.name.as_str().into();
        let inst = self.add(Some(parent), Kind::Instance { instance: name.clone(), dts: false }, name.clone());
        let groups = self.add(Some(inst), Kind::Groups, "Groups");
        let topic_names: Vec<(Arc<str>, u32)> =
            i.topics.iter().map(|t| (Arc::from(t.name.as_str()), t.partitions)).collect();
        for g in &i.groups {
            let group: Arc<str> = g.name.as_str().into();
            let gn =
                self.add(Some(groups), Kind::Group { instance: name.clone(), group: group.clone() }, group.clone());
            for t in &g.topics {
                let (topic, count) =
                    topic_names.iter().find(|(n, _)| &**n == t).cloned().unwrap_or((t.as_str().into(), 0));
                let kind = Kind::GroupTopic { instance: name.clone(), group: group.clone(), topic: topic.clone() };
                let tn = self.add(Some(gn), kind, topic.clone());
                self.nodes[tn].parts = count;
            }
        }
        let topics = self.add(Some(inst), Kind::Topics, "Topics");
        for (topic, count) in &topic_names {
            let tn =
                self.add(Some(topics), Kind::Topic { instance: name.clone(), topic: topic.clone() }, topic.clone());
            self.nodes[tn].parts = *count;
        }
    }

    /// The Huawei tree of a profile.
    pub fn huawei(p: &Profile) -> Self {
        let mut t = Self::default();
        for a in &p.huawei {
            let acc = t.add(None, Kind::Account { account: a.name.as_str().into() }, a.name.as_str());
            a.instances.iter().for_each(|i| t.add_instance(acc, i));
        }
        t.finish()
    }

    /// The Tencent tree of a profile: CKafka instances and DTS subscriptions.
    pub fn tencent(p: &Profile) -> Self {
        let mut t = Self::default();
        for a in &p.tencent {
            let acc = t.add(None, Kind::Account { account: a.name.as_str().into() }, a.name.as_str());
            a.ckafka.iter().for_each(|i| t.add_instance(acc, i));
            a.dts.iter().for_each(|d| t.add_dts(acc, d));
        }
        t.finish()
    }

    fn add_dts(&mut self, acc: usize, d: &DtsSubscription) {
        let as_instance = KafkaInstance {
            name: d.name.clone(),
            id: d.subscribe_id.clone(),
            topics: vec![crate::core::profile::TopicSpec { name: d.topic.clone(), partitions: d.partitions }],
            groups: d
                .groups
                .iter()
                .map(|g| crate::core::profile::GroupSpec { name: g.clone(), topics: vec![d.topic.clone()] })
                .collect(),
            safety: d.safety,
            scope: d.scope.clone(),
            origin: d.origin,
        };
        self.add_instance(acc, &as_instance);
        let inst = *self.nodes[acc].children.last().expect("just added");
        self.nodes[inst].kind = Kind::Instance { instance: d.name.as_str().into(), dts: true };
    }

    /// Adds the instances the cloud listed for an account (already merged into the profile under these names).
    /// Nodes are only appended, so the selection and expansion stay put; the new instances start open.
    pub fn add_found(&mut self, p: &Profile, account: &AccountKey, names: &[String]) -> bool {
        let Some(acc) = self.roots.iter().copied().find(|r| *self.nodes[*r].name == *account.name) else {
            return false;
        };
        let before = self.nodes.len();
        match account.cloud {
            Cloud::Huawei => {
                let Some(a) = p.huawei.iter().find(|a| a.name == account.name) else { return false };
                a.instances.iter().filter(|i| names.contains(&i.name)).for_each(|i| self.add_instance(acc, i));
            }
            Cloud::Tencent => {
                let Some(a) = p.tencent.iter().find(|a| a.name == account.name) else { return false };
                a.ckafka.iter().filter(|i| names.contains(&i.name)).for_each(|i| self.add_instance(acc, i));
                a.dts.iter().filter(|d| names.contains(&d.name)).for_each(|d| self.add_dts(acc, d));
            }
        }
        for i in before..self.nodes.len() {
            if matches!(self.nodes[i].kind, Kind::Instance { .. } | Kind::Groups) {
                self.opened.insert(i);
            }
        }
        self.recompute();
        self.nodes.len() > before
    }

    fn finish(mut self) -> Self {
        // Accounts and instances start open, so the groups show at once.
        for (i, n) in self.nodes.iter().enumerate() {
            if matches!(n.kind, Kind::Account { .. } | Kind::Instance { .. } | Kind::Groups) {
                self.opened.insert(i);
            }
        }
        self.recompute();
        self.selected = self.visible.first().copied();
        self
    }

    /// Recomputes the visible rows: the expanded tree, or with a filter, every match and its ancestors.
    pub fn recompute(&mut self) {
        self.visible.clear();
        if self.filter.is_empty() {
            let mut stack: Vec<usize> = self.roots.iter().rev().copied().collect();
            while let Some(n) = stack.pop() {
                self.visible.push(n);
                if self.opened.contains(&n) {
                    stack.extend(self.nodes[n].children.iter().rev());
                }
            }
        } else {
            let needle = self.filter.to_lowercase();
            let mut keep = vec![false; self.nodes.len()];
            for (i, n) in self.nodes.iter().enumerate() {
                if n.lower.contains(&needle) || self.also_matching.contains(&i) {
                    let mut cur = Some(i);
                    while let Some(c) = cur {
                        if keep[c] {
                            break;
                        }
                        keep[c] = true;
                        cur = self.nodes[c].parent;
                    }
                }
            }
            let mut stack: Vec<usize> = self.roots.iter().rev().copied().collect();
            while let Some(n) = stack.pop() {
                if keep[n] {
                    self.visible.push(n);
                    stack.extend(self.nodes[n].children.iter().rev());
                }
            }
        }
        if self.selected.is_none_or(|s| !self.visible.contains(&s)) {
            self.selected = self.visible.first().copied();
        }
    }

    /// The selected row's position among the visible rows.
    pub fn cursor(&self) -> usize {
        self.selected.and_then(|s| self.visible.iter().position(|v| *v == s)).unwrap_or(0)
    }

    /// Moves the selection by `delta` rows; returns whether anything changed.
    pub fn move_by(&mut self, delta: isize, height: usize) -> bool {
        if self.visible.is_empty() {
            return false;
        }
        let cur = self.cursor() as isize;
        let next = (cur + delta).clamp(0, self.visible.len() as isize - 1) as usize;
        let changed = next as isize != cur;
        self.selected = Some(self.visible[next]);
        self.scroll_into_view(height);
        changed
    }

    /// Keeps the selection within the shown window of `height` rows.
    pub fn scroll_into_view(&mut self, height: usize) {
        let cur = self.cursor();
        let h = height.max(1);
        if cur < self.offset {
            self.offset = cur;
        } else if cur >= self.offset + h {
            self.offset = cur + 1 - h;
        }
        // A window that ends past the last row shows rows above it instead (after a collapse, nothing blank).
        self.offset = self.offset.min(self.visible.len().saturating_sub(h));
    }

    /// Expands the selection, or steps into it when already open.
    pub fn expand(&mut self, height: usize) -> bool {
        let Some(s) = self.selected else { return false };
        if !self.has_children(s) {
            return false;
        }
        if self.opened.insert(s) {
            self.make_partitions(s);
            self.recompute();
            true
        } else {
            self.move_by(1, height)
        }
    }

    /// Collapses the selection, or steps to its parent.
    pub fn collapse(&mut self, height: usize) -> bool {
        let Some(s) = self.selected else { return false };
        if self.opened.remove(&s) && self.filter.is_empty() {
            self.release_partitions(s);
            self.recompute();
            self.scroll_into_view(height);
            return true;
        }
        match self.nodes[s].parent {
            Some(p) => {
                self.selected = Some(p);
                self.scroll_into_view(height);
                true
            }
            None => false,
        }
    }

    /// Sets the filter and recomputes.
    pub fn set_filter(&mut self, filter: &str, height: usize) {
        self.set_filter_with(filter, height, Default::default());
    }

    /// Sets the filter, with nodes that match it by what the tree does not hold (a group's live state word), and
    /// selects the first node that matches itself (not merely an ancestor of one).
    pub fn set_filter_with(&mut self, filter: &str, height: usize, also: HashSet<usize>) {
        self.filter = filter.to_owned();
        self.also_matching = also;
        if self.filter.is_empty()
            && let Some(sel) = self.selected
        {
            // The node the cursor was on under the filter stays under it: its folders open.
            let mut up = self.nodes[sel].parent;
            while let Some(p) = up {
                self.opened.insert(p);
                up = self.nodes[p].parent;
            }
        }
        self.recompute();
        if !self.filter.is_empty() {
            let needle = self.filter.to_lowercase();
            let first = self
                .visible
                .iter()
                .copied()
                .find(|i| self.nodes[*i].lower.contains(&needle) || self.also_matching.contains(i));
            self.selected = first.or(self.selected);
        }
        self.offset = 0;
        self.scroll_into_view(height);
    }

    /// Adds the groups the cloud listed but the profile does not, under their instance's Groups folder, with their
    /// topics (and partitions, where the count is known). Returns the groups added; none when the instance is not in
    /// this tree. Nodes are only ever appended, so the selection and expansion stay put; one pass over the tree and
    /// one recompute for the whole listing, whatever its size.
    pub fn add_groups<'g>(&mut self, instance: &str, groups: &[(&'g str, Vec<(String, u32)>)]) -> Vec<&'g str> {
        let Some(inst) =
            self.nodes.iter().position(|n| matches!(&n.kind, Kind::Instance { instance: i, .. } if &**i == instance))
        else {
            return Vec::new();
        };
        let Some(&folder) = self.nodes[inst].children.iter().find(|c| self.nodes[**c].kind == Kind::Groups) else {
            return Vec::new();
        };
        let mut present: HashSet<Arc<str>> =
            self.nodes[folder].children.iter().map(|c| self.nodes[*c].name.clone()).collect();
        let instance: Arc<str> = instance.into();
        let mut added = Vec::new();
        for (group, topics) in groups {
            if present.contains(*group) {
                continue;
            }
            let group_name: Arc<str> = (*group).into();
            present.insert(group_name.clone());
            let kind = Kind::Group { instance: instance.clone(), group: group_name.clone() };
            let gn = self.add(Some(folder), kind, group_name.clone());
            for (topic, count) in topics {
                let topic: Arc<str> = topic.as_str().into();
                let kind =
                    Kind::GroupTopic { instance: instance.clone(), group: group_name.clone(), topic: topic.clone() };
                let tn = self.add(Some(gn), kind, topic.clone());
                self.nodes[tn].parts = *count;
            }
            added.push(*group);
        }
        if !added.is_empty() {
            self.recompute();
        }
        added
    }

    /// One group: [`Tree::add_groups`] of one.
    pub fn add_group(&mut self, instance: &str, group: &str, topics: &[(String, u32)]) -> bool {
        !self.add_groups(instance, &[(group, topics.to_vec())]).is_empty()
    }

    /// Gives a group the topics and partitions a live read found, where its node has none yet.
    pub fn fill_partitions(&mut self, instance: &str, group: &str, parts: &[(&str, i32)]) -> bool {
        let Some(gn) = self.nodes.iter().position(
            |n| matches!(&n.kind, Kind::Group { instance: i, group: g } if &**i == instance && &**g == group),
        ) else {
            return false;
        };
        let Kind::Group { instance: inst, group: grp } = self.nodes[gn].kind.clone() else { return false };
        let mut changed = false;
        let mut topics: Vec<&str> = parts.iter().map(|(t, _)| *t).collect();
        topics.dedup();
        for topic in topics {
            let existing = self.nodes[gn].children.iter().copied().find(|c| &*self.nodes[*c].name == topic);
            let tn = match existing {
                Some(tn) if !self.nodes[tn].children.is_empty() || self.nodes[tn].parts > 0 => continue,
                Some(tn) => tn,
                None => {
                    let kind = Kind::GroupTopic { instance: inst.clone(), group: grp.clone(), topic: topic.into() };
                    self.add(Some(gn), kind, topic)
                }
            };
            let mine: Vec<i32> = parts.iter().filter(|(t, _)| *t == topic).map(|(_, p)| *p).collect();
            if mine.iter().enumerate().all(|(i, p)| *p == i as i32) {
                // The usual case, 0..n: held as a count until the topic is opened.
                self.nodes[tn].parts = mine.len() as u32;
            } else {
                for p in mine {
                    let kind = Kind::GroupPartition {
                        instance: inst.clone(),
                        group: grp.clone(),
                        topic: topic.into(),
                        partition: p,
                    };
                    let label = self.label(p);
                    self.add(Some(tn), kind, label);
                }
            }
            changed = true;
        }
        if changed {
            self.recompute();
        }
        changed
    }

    /// The selected node.
    pub fn selected_node(&self) -> Option<&Node> {
        self.selected.map(|s| &self.nodes[s])
    }

    /// Selects the first node of this kind, opening its ancestors and clearing the filter; false when there is none.
    pub fn select_where(&mut self, want: impl Fn(&Kind) -> bool, height: usize) -> bool {
        let at = match self.nodes.iter().position(|n| want(&n.kind)) {
            Some(at) => at,
            None => {
                // A partition not made into a node yet: open its topic to make it.
                let lazy = (0..self.nodes.len()).find_map(|n| {
                    let p = (0..self.nodes[n].parts as i32)
                        .find(|p| self.partition_kind(n, *p).is_some_and(|k| want(&k)))?;
                    Some((n, p))
                });
                let Some((topic, p)) = lazy else { return false };
                self.opened.insert(topic);
                self.make_partitions(topic);
                self.nodes[topic].children[p as usize]
            }
        };
        let mut cur = self.nodes[at].parent;
        while let Some(c) = cur {
            self.opened.insert(c);
            cur = self.nodes[c].parent;
        }
        self.filter.clear();
        self.recompute();
        self.selected = Some(at);
        self.scroll_into_view(height);
        true
    }
}

#[path = "tree_partitions.rs"]
mod partitions;

#[cfg(test)]
#[path = "tree_tests.rs"]
mod tests;
