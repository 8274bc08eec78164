//! Which groups one order covers: names as typed, glob patterns (`etl-*`), or every group but the excluded ones,
//! matched against the names an instance has live.

use globset::{Glob, GlobMatcher};

/// The groups a user named for one order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupSelect {
    /// Names and glob patterns, as given (`--group`, repeatable).
    pub patterns: Vec<String>,
    /// Every group of the instance (`--all-groups`).
    pub all: bool,
    /// Glob patterns dropped from what the others matched (`--exclude`).
    pub exclude: Vec<String>,
}

/// Whether a `--group` value is a pattern rather than a name.
pub fn is_pattern(s: &str) -> bool {
    s.contains(['*', '?', '[', '{'])
}

fn matcher(flag: &str, pattern: &str) -> Result<GlobMatcher, String> {
    Glob::new(pattern)
        .map(|g| g.compile_matcher())
        .map_err(|e| format!("{flag} {pattern:?} is not a glob pattern ({}); quote it, e.g. 'etl-*'", e.kind()))
}

impl GroupSelect {
    /// One named group and nothing else: planned and confirmed as a single group.
    pub fn single(&self) -> Option<&str> {
        match &self.patterns[..] {
            [one] if !self.all && self.exclude.is_empty() && !is_pattern(one) => Some(one),
            _ => None,
        }
    }

    /// Whether the groups the instance has live must be listed to know what this selects.
    pub fn needs_listing(&self) -> bool {
        self.all || self.patterns.iter().any(|p| is_pattern(p))
    }

    /// The groups selected among `live`, each once, sorted. A plain name is kept as typed even when the listing
    /// lacks it (planning it then says the group does not exist); a pattern that matches nothing, or a selection
    /// left empty by its exclusions, is an error that says what the instance has.
    pub fn pick(&self, live: &[String]) -> Result<Vec<String>, String> {
        if self.patterns.is_empty() && !self.all {
            return Err("name a group: --group NAME (repeat it, or use a glob such as 'etl-*'), or --all-groups".into());
        }
        let mut out: Vec<String> = Vec::new();
        if self.all {
            out.extend(live.iter().cloned());
        }
        for p in &self.patterns {
            if p.trim().is_empty() {
                return Err("--group: a group name is empty".into());
            }
            if !is_pattern(p) {
                out.push(p.clone());
                continue;
            }
            let m = matcher("--group", p)?;
            let before = out.len();
            out.extend(live.iter().filter(|g| m.is_match(g.as_str())).cloned());
            if out.len() == before {
                return Err(format!("--group {p:?} matches no group; the instance has: {}", some(live)));
            }
        }
        let drops = self.exclude.iter().map(|p| matcher("--exclude", p)).collect::<Result<Vec<_>, _>>()?;
        out.retain(|g| !drops.iter().any(|m| m.is_match(g.as_str())));
        out.sort();
        out.dedup();
        if out.is_empty() {
            return Err(format!("every group selected was excluded; the instance has: {}", some(live)));
        }
        Ok(out)
    }
}

/// Names for an error message: all of them when few, else the first ones and how many more.
fn some(names: &[String]) -> String {
    const SHOWN: usize = 20;
    if names.is_empty() {
        return "no groups".into();
    }
    let mut s = names.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
    if names.len() > SHOWN {
        s.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live() -> Vec<String> {
        ["etl-a", "etl-b", "billing", "etl-c"].map(String::from).to_vec()
    }

    fn sel(patterns: &[&str], all: bool, exclude: &[&str]) -> GroupSelect {
        GroupSelect {
            patterns: patterns.iter().map(|s| s.to_string()).collect(),
            all,
            exclude: exclude.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn names_globs_all_and_exclusions() {
        assert_eq!(sel(&["billing"], false, &[]).single(), Some("billing"));
        assert_eq!(sel(&["etl-*"], false, &[]).single(), None);
        assert_eq!(sel(&["etl-*"], false, &[]).pick(&live()).unwrap(), ["etl-a", "etl-b", "etl-c"]);
        assert_eq!(
            sel(&["etl-*", "etl-a", "billing"], false, &["etl-b"]).pick(&live()).unwrap(),
            ["billing", "etl-a", "etl-c"]
        );
        assert_eq!(sel(&[], true, &["etl-?"]).pick(&live()).unwrap(), ["billing"]);
        assert_eq!(sel(&["typo"], false, &[]).pick(&live()).unwrap(), ["typo"], "planning says it is not there");
    }

    #[test]
    fn selections_that_select_nothing_say_what_there_is() {
        let e = sel(&["web-*"], false, &[]).pick(&live()).unwrap_err();
        assert!(e.contains("\"web-*\" matches no group") && e.contains("billing"), "{e}");
        let e = sel(&[], true, &["*"]).pick(&live()).unwrap_err();
        assert!(e.contains("excluded"), "{e}");
        assert!(sel(&[], false, &[]).pick(&live()).unwrap_err().contains("--all-groups"));
        assert!(sel(&["etl-[a"], false, &[]).pick(&live()).unwrap_err().contains("not a glob pattern"));
        assert!(sel(&[], true, &["[x"]).pick(&live()).unwrap_err().contains("--exclude"));
    }
}
