//! A topic's partitions as tree nodes only while the topic is open: made on opening, released on closing, so a
//! 100,000-partition topic costs one node until someone looks inside it.

use std::sync::Arc;

use super::{Kind, Node, Tree};

impl Tree {
    /// Whether a node has children, made or still to be made.
    pub fn has_children(&self, n: usize) -> bool {
        !self.nodes[n].children.is_empty() || self.nodes[n].parts > 0
    }

    /// How many partitions a topic node has (made into nodes or not).
    pub fn partition_count(&self, n: usize) -> usize {
        self.nodes[n].children.len().max(self.nodes[n].parts as usize)
    }

    pub(super) fn label(&mut self, p: i32) -> Arc<str> {
        let p = p.max(0) as usize;
        while self.labels.len() <= p {
            let next = format!("p{}", self.labels.len());
            self.labels.push(next.into());
        }
        self.labels[p].clone()
    }

    /// What partition `p` under topic node `n` stands for.
    pub(super) fn partition_kind(&self, n: usize, partition: i32) -> Option<Kind> {
        match &self.nodes[n].kind {
            Kind::GroupTopic { instance, group, topic } => Some(Kind::GroupPartition {
                instance: instance.clone(),
                group: group.clone(),
                topic: topic.clone(),
                partition,
            }),
            Kind::Topic { instance, topic } => {
                Some(Kind::Partition { instance: instance.clone(), topic: topic.clone(), partition })
            }
            _ => None,
        }
    }

    /// Makes an opened topic's partitions into nodes, in released slots first.
    pub(super) fn make_partitions(&mut self, n: usize) {
        if self.nodes[n].parts == 0 || !self.nodes[n].children.is_empty() {
            return;
        }
        let depth = self.nodes[n].depth + 1;
        for p in 0..self.nodes[n].parts as i32 {
            let Some(kind) = self.partition_kind(n, p) else { return };
            let name = self.label(p);
            let node = Node { kind, lower: name.clone(), name, depth, parent: Some(n), children: Vec::new(), parts: 0 };
            let id = match self.free.pop_first() {
                Some(slot) => {
                    self.nodes[slot] = node;
                    slot
                }
                None => {
                    self.nodes.push(node);
                    self.nodes.len() - 1
                }
            };
            self.nodes[n].children.push(id);
        }
    }

    /// Releases a closed topic's partition nodes (they are made again when it is opened). Slots at the end are
    /// dropped and the arena shrunk, so a big topic looked at once does not hold its memory.
    pub(super) fn release_partitions(&mut self, n: usize) {
        if self.nodes[n].parts == 0 {
            return;
        }
        let empty: Arc<str> = Arc::from("");
        for c in std::mem::take(&mut self.nodes[n].children) {
            self.nodes[c] = Node {
                kind: Kind::Groups,
                name: empty.clone(),
                lower: empty.clone(),
                depth: 0,
                parent: None,
                children: Vec::new(),
                parts: 0,
            };
            self.opened.remove(&c);
            self.also_matching.remove(&c);
            if self.selected == Some(c) {
                self.selected = Some(n);
            }
            self.free.insert(c);
        }
        while self.free.last().is_some_and(|l| *l + 1 == self.nodes.len()) {
            self.free.pop_last();
            self.nodes.pop();
        }
        if self.nodes.capacity() > 2 * self.nodes.len() + 1024 {
            self.nodes.shrink_to_fit();
        }
    }
}
