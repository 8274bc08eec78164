//! The safety rules, in one place: what is refused outright, and what confirmation a write needs. The planner, the
//! job pipeline, the command line and the dashboard all ask here; none of them decides on its own.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::plan::PlanKind;
use super::target::Target;
use crate::core::live::{GroupSnapshot, MemberInfo};
use crate::core::target::{TargetKey, TargetKind};

/// Why a write is not allowed. Nothing is sent after a refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The profile marks the instance or its account read-only.
    ReadOnly(TargetKey),
    /// The group has members: the clouds (and Kafka) refuse or silently ignore offset changes then.
    Active { group: String, state: String, members: Vec<MemberInfo> },
    /// The provider has no API for this.
    Unsupported(String),
    /// The confirmation was missing, wrong, or declined.
    NotConfirmed(String),
    /// The group moved between the plan and the run, so the plan no longer says what would happen.
    Stale(String),
    /// The snapshot or the journal could not be written, so nothing may be sent.
    Unrecorded(String),
    /// Another job holds the group's lock.
    Busy(String),
    /// A snapshot or plan file is of another real target than the profile's of the same name.
    OtherTarget(String),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ReadOnly(t) => write!(f, "{t} is read_only in the profile: no writes"),
            Self::Active { group, state, members } => {
                let listed: Vec<String> =
                    members
                        .iter()
                        .map(|m| {
                            if m.host.is_empty() {
                                m.client_id.clone()
                            } else {
                                format!("{} on {}", m.client_id, m.host)
                            }
                        })
                        .collect();
                write!(
                    f,
                    "group `{group}` is {} [{state}] with {} member(s): {}. Stop these consumers, wait out their session timeout, then try again",
                    crate::core::live::state_word(state),
                    members.len(),
                    if listed.is_empty() { "(not listed by the API)".to_owned() } else { listed.join(", ") }
                )
            }
            Self::Unsupported(why)
            | Self::NotConfirmed(why)
            | Self::Stale(why)
            | Self::Busy(why)
            | Self::OtherTarget(why) => f.write_str(why),
            Self::Unrecorded(why) => write!(f, "{why}; nothing was sent"),
        }
    }
}

/// What the user must do to confirm a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Confirmation {
    /// Yes or no.
    YesNo,
    /// Type this name (the group, or the topic of a message delete). `protected` says why: a protected target needs
    /// the name even headless (`--confirm NAME`); a delete on an unprotected one needs it only when asked on a
    /// terminal.
    TypeName { name: String, protected: bool },
    /// Several groups at once: type their count (`3 groups`). `strict` when one of them is protected or some groups
    /// were refused, so that even headless the count of what will really be written is typed (`--confirm '2 groups'`).
    Count { name: String, strict: bool },
}

impl Confirmation {
    /// The one policy for both front ends: every delete, and every write on a protected target, asks for the name
    /// (a DTS group's short name, as the user gives it, not the API's `consumer-grp-…` form).
    pub fn required(target: &Target<'_>, kind: PlanKind, name: &str) -> Self {
        let protected = target.safety().protected;
        let name = target.short_group(name);
        let name = name.as_str();
        // Exhaustive: a new kind of plan must say here whether it deletes.
        let deletes = match kind {
            PlanKind::Reset => false,
            PlanKind::DeleteOffsets | PlanKind::DeleteMessages => true,
        };
        if protected || deletes { Self::TypeName { name: name.to_owned(), protected } } else { Self::YesNo }
    }

    /// The name to type, when one is asked for.
    pub fn name(&self) -> Option<&str> {
        match self {
            Self::YesNo => None,
            Self::TypeName { name, .. } | Self::Count { name, .. } => Some(name),
        }
    }

    /// Whether an answer typed at a prompt confirms: `y`/`yes`, or exactly the name.
    pub fn accepts(&self, answer: &str) -> bool {
        let answer = answer.trim();
        match self {
            Self::YesNo => answer.eq_ignore_ascii_case("y") || answer.eq_ignore_ascii_case("yes"),
            Self::TypeName { name, .. } | Self::Count { name, .. } => answer == name,
        }
    }

    /// Whether flags alone confirm: `Ok(true)` yes, `Ok(false)` they do not and the user must be asked, `Err` when
    /// what was given is wrong. The README's rule: `--yes` on an unprotected target, `--yes --confirm NAME` on a
    /// protected one; a `--confirm` that does not match is refused whatever else is given.
    pub fn headless(&self, yes: bool, confirm: Option<&str>) -> Result<bool, Refusal> {
        if let (Some(given), Some(name)) = (confirm, self.name())
            && given != name
        {
            return Err(Refusal::NotConfirmed(format!("--confirm {given:?} does not match `{name}`")));
        }
        match self {
            _ if !yes => Ok(false),
            Self::TypeName { name, protected: true } if confirm.is_none() => {
                Err(Refusal::NotConfirmed(format!("the target is protected; add --confirm {name}")))
            }
            Self::Count { name, strict: true } if confirm.is_none() => Err(Refusal::NotConfirmed(format!(
                "a group is protected or was refused; to write exactly {name} add --confirm '{name}'"
            ))),
            _ => Ok(true),
        }
    }

    /// One confirmation for several plans: the count of groups written, strict when one is protected or some were
    /// left out. On a protected target it names the instance too (`orders: 2 groups`), so that a count typed for
    /// one instance cannot confirm a batch on another.
    pub fn several(plans: &[super::plan::Plan], left_out: usize) -> Self {
        let n = plans.len();
        let protected = plans.iter().any(|p| matches!(p.confirmation, Self::TypeName { protected: true, .. }));
        let count = format!("{n} group{}", if n == 1 { "" } else { "s" });
        let name = match plans.first() {
            Some(p) if protected => format!("{}: {count}", p.target.instance),
            _ => count,
        };
        Self::Count { name, strict: protected || left_out > 0 }
    }

    /// The prompt for a terminal.
    pub fn prompt(&self) -> String {
        match self {
            Self::YesNo => "Proceed? [y/N] ".to_owned(),
            Self::TypeName { name, protected: true } => format!("This target is protected. Type `{name}` to proceed: "),
            Self::TypeName { name, .. } => format!("This deletes. Type `{name}` to proceed: "),
            Self::Count { name, .. } => format!("This writes {name}. Type `{name}` to proceed: "),
        }
    }
}

/// Refuses writes to a read-only target.
pub fn writable(target: &Target<'_>) -> Result<(), Refusal> {
    if target.safety().read_only { Err(Refusal::ReadOnly(target.key())) } else { Ok(()) }
}

/// Refuses what the provider cannot do.
pub fn offers(kind: TargetKind, op: PlanKind) -> Result<(), Refusal> {
    match (op, kind) {
        (PlanKind::Reset, _) | (_, TargetKind::Huawei) | (PlanKind::DeleteOffsets, TargetKind::Ckafka) => Ok(()),
        (PlanKind::DeleteOffsets, _) => Err(Refusal::Unsupported(format!(
            "deleting committed offsets is a Huawei DMS and CKafka API; this is {kind}: reset the group instead"
        ))),
        (PlanKind::DeleteMessages, _) => {
            Err(Refusal::Unsupported(format!("deleting messages is a Huawei DMS API; this is {kind}")))
        }
    }
}

/// Refuses a group with live members, naming them.
pub fn inactive(snap: &GroupSnapshot) -> Result<(), Refusal> {
    if snap.is_inactive() {
        return Ok(());
    }
    Err(Refusal::Active { group: snap.group.clone(), state: snap.state.clone(), members: snap.members.clone() })
}

/// The rules a plan is held to again when it is run, however it reached the engine.
pub fn gate(target: &Target<'_>, kind: PlanKind) -> Result<(), Refusal> {
    writable(target)?;
    offers(target.kind(), kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(protected: bool) -> Confirmation {
        Confirmation::TypeName { name: "billing".into(), protected }
    }

    #[test]
    fn headless_yes_suffices_unless_protected() {
        assert_eq!(Confirmation::YesNo.headless(true, None), Ok(true));
        assert_eq!(Confirmation::YesNo.headless(false, None), Ok(false));
        assert_eq!(named(false).headless(true, None), Ok(true), "a delete on an unprotected target: --yes");
        assert!(named(true).headless(true, None).unwrap_err().to_string().contains("--confirm billing"));
        assert_eq!(named(true).headless(true, Some("billing")), Ok(true));
        assert_eq!(named(true).headless(false, Some("billing")), Ok(false), "--confirm alone is not --yes");
        assert_eq!(named(false).headless(false, Some("billing")), Ok(false));
        assert!(matches!(named(true).headless(true, Some("other")), Err(Refusal::NotConfirmed(_))));
        assert!(matches!(named(false).headless(true, Some("other")), Err(Refusal::NotConfirmed(_))));
    }

    #[test]
    fn several_groups_type_their_count_strictly_when_some_are_refused() {
        let loose = Confirmation::Count { name: "3 groups".into(), strict: false };
        assert_eq!(loose.headless(true, None), Ok(true));
        assert!(loose.accepts("3 groups") && !loose.accepts("y"));
        let strict = Confirmation::Count { name: "2 groups".into(), strict: true };
        assert!(strict.headless(true, None).unwrap_err().to_string().contains("--confirm '2 groups'"));
        assert!(matches!(strict.headless(true, Some("3 groups")), Err(Refusal::NotConfirmed(_))));
        assert_eq!(strict.headless(true, Some("2 groups")), Ok(true));
        assert_eq!(Confirmation::several(&[], 1), Confirmation::Count { name: "0 groups".into(), strict: true });
    }

    #[test]
    fn answers() {
        assert!(Confirmation::YesNo.accepts("Y") && Confirmation::YesNo.accepts("yes "));
        assert!(!Confirmation::YesNo.accepts("billing"));
        assert!(named(false).accepts("billing") && !named(false).accepts("y") && !named(true).accepts("Billing"));
    }

    #[test]
    fn what_each_provider_deletes() {
        assert!(offers(TargetKind::Huawei, PlanKind::DeleteMessages).is_ok());
        assert!(offers(TargetKind::Dts, PlanKind::Reset).is_ok());
        assert!(offers(TargetKind::Ckafka, PlanKind::DeleteOffsets).is_ok(), "DeleteGroupSubscribeTopic");
        assert!(matches!(offers(TargetKind::Dts, PlanKind::DeleteOffsets), Err(Refusal::Unsupported(_))));
        for k in [TargetKind::Ckafka, TargetKind::Dts] {
            assert!(matches!(offers(k, PlanKind::DeleteMessages), Err(Refusal::Unsupported(_))));
        }
    }

    #[test]
    fn active_groups_are_refused_with_their_members() {
        let member = MemberInfo { client_id: "c-1".into(), host: "/10.0.0.1".into() };
        let snap = |state: &str| GroupSnapshot {
            group: "g".into(),
            state: state.into(),
            members: vec![member.clone()],
            partitions: vec![],
        };
        assert!(inactive(&snap("EMPTY")).is_ok());
        let e = inactive(&snap("STABLE")).unwrap_err().to_string();
        assert!(e.contains("c-1 on /10.0.0.1") && e.contains("STABLE"), "{e}");
    }
}
