//! Staged rollouts, for `big-bang-release`: the words that describe one (canary, blue-green,
//! rolling, feature flags, a percentage ramp) and whether an entry describes one.

use crate::syntax::Entry;

/// Words that describe a staged rollout (lowercase, starting with a letter; matched as whole
/// words).
pub(super) const STAGED_WORDS: &[&str] = &[
    "canary",
    "canaries",
    "canarying",
    "blue-green",
    "blue/green",
    "blue green",
    "bluegreen",
    // Not "rolling" alone: "rolling back" is no rollout.
    "rolling deploy",
    "rolling deployment",
    "rolling deployments",
    "rolling update",
    "rolling updates",
    "rolling restart",
    "rolling release",
    "rolling upgrade",
    "rolling strategy",
    "rolling rollout",
    "feature flag",
    "feature flags",
    "feature-flag",
    "feature-flagged",
    "feature toggle",
    "feature toggles",
    "behind a flag",
    "launchdarkly",
    "unleash",
    "flagsmith",
    "gradual",
    "gradually",
    "phased",
    "staged rollout",
    "staged release",
    "progressive",
    "progressively",
    "incremental rollout",
    "percentage rollout",
    "ramp up",
    "ramp-up",
    "ramped",
    "traffic shift",
    "traffic shifting",
    "shift traffic",
    "traffic split",
    "split traffic",
    "weighted routing",
    "ring 0",
    "ring 1",
    "deployment rings",
    "dark launch",
    "pilot",
    "early access",
    "cohort",
    "cohorts",
];

/// Does this text (a title or a value) describe a staged rollout: one of `STAGED_WORDS` as a
/// whole word (any case), or a percentage ramp (`5% → 25%`, `10% -> 50%`, `5% to 100%`)? One
/// pass over the bytes, no allocation: a plan's whole text can be asked on a keystroke.
pub fn mentions_staged_rollout(text: &str) -> bool {
    let b = text.as_bytes();
    let alnum = |i: usize| b.get(i).is_some_and(|c| c.is_ascii_alphanumeric());
    for i in 0..b.len() {
        let c = b[i];
        if c == b'%' {
            // A percentage ramp: `%`, blanks, then an arrow or `to` and a number.
            let rest = text.get(i + 1..).unwrap_or("").trim_start();
            if rest.starts_with('→') || rest.starts_with("->") || rest.starts_with("=>") {
                return true;
            }
            if let Some(r) = rest.strip_prefix("to ") {
                if r.trim_start().starts_with(|d: char| d.is_ascii_digit()) {
                    return true;
                }
            }
            continue;
        }
        // Words start at a word boundary.
        if !c.is_ascii_alphabetic() || (i > 0 && alnum(i - 1)) {
            continue;
        }
        let lc = c.to_ascii_lowercase();
        for w in STAGED_WORDS {
            let wb = w.as_bytes();
            if wb[0] == lc
                && b.len() >= i + wb.len()
                && b[i..i + wb.len()].eq_ignore_ascii_case(wb)
                && !alnum(i + wb.len())
            {
                return true;
            }
        }
    }
    false
}

/// Does an entry's title or a field of it describe a staged rollout? A `Strategy:` (or
/// `Rollout:`) field naming the guide's patterns counts too: `Strategy: Rolling` is the
/// methodology's own spelling.
pub(super) fn describes_staged_rollout(e: &Entry) -> bool {
    mentions_staged_rollout(&e.title)
        || e.fields.iter().any(|f| {
            mentions_staged_rollout(&f.key)
                || mentions_staged_rollout(&f.value)
                || (names_strategy(&f.key) && {
                    let v = crate::schema::value_head(&f.value).to_ascii_lowercase();
                    [
                        "rolling",
                        "canary",
                        "blue-green",
                        "blue/green",
                        "feature flag",
                        "feature flags",
                        "phased",
                        "gradual",
                    ]
                    .iter()
                    .any(|w| v.starts_with(w))
                })
        })
}

pub(super) fn names_strategy(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.contains("strategy") || k.contains("rollout")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_words_are_lowercase_and_start_with_a_letter() {
        for w in STAGED_WORDS {
            assert!(w.as_bytes()[0].is_ascii_lowercase(), "{w}");
            assert_eq!(w.to_ascii_lowercase(), *w);
        }
    }

    #[test]
    fn staged_rollout_mentions() {
        for t in [
            "Canary at 5%",
            "blue/green switch",
            "A Rolling Update",
            "behind a Feature Flag",
            "1% → 10% → 100%",
            "5%->50%",
            "5% to 100% over a day",
            "(phased)",
        ] {
            assert!(mentions_staged_rollout(t), "{t}");
        }
        for t in [
            "rolling back",
            "ringing",
            ">2% of requests for 5 minutes",
            "canaryish",
            "unphased",
            "50% to go",
            "",
        ] {
            assert!(!mentions_staged_rollout(t), "{t}");
        }
    }
}
