//! The environment progression of one plan: the guide's four environments (development,
//! staging, preview, production) with their gates, then any other the plan documents, each
//! with its entries and the first one's Environment fields.

use super::{filled, one_line, plural};
use super::{EnvRow, Loc};
use crate::check::values::config_keys;
use crate::config::Config;
use crate::syntax::Entry;

/// The guide's environment progression: name, stage, gate.
const PROGRESSION: [(&str, &str); 4] = [
    ("development", "Tests pass locally"),
    ("staging", "All TEST- pass"),
    ("preview", "Sign-off from PM"),
    ("production", "All DEP- criteria met"),
];

/// The progression rows from the plan's named Environment entries (name, path, entry).
pub(super) fn progression(
    config: &Config,
    env_names: &[(String, &str, &Entry)],
    loc: &mut dyn FnMut(&str, &Entry, Option<&str>) -> Loc,
) -> Vec<EnvRow> {
    let mut names: Vec<String> = PROGRESSION.iter().map(|(n, _)| n.to_string()).collect();
    for (n, _, _) in env_names {
        if !names.contains(n) {
            names.push(n.clone());
        }
    }
    names
        .into_iter()
        .map(|name| {
            let docs: Vec<(&str, &Entry)> = env_names
                .iter()
                .filter(|(n, _, _)| *n == name)
                .map(|(_, p, e)| (*p, *e))
                .collect();
            let stage = PROGRESSION
                .iter()
                .position(|(n, _)| *n == name)
                .map_or(5, |i| i as u8 + 1);
            let gate = PROGRESSION
                .iter()
                .find(|(n, _)| *n == name)
                .map_or("", |(_, g)| g);
            let fields = match docs.first() {
                None => Vec::new(),
                Some((_, e)) => [
                    "Infrastructure",
                    "Configuration",
                    "Secrets",
                    "Access",
                    "Owner",
                ]
                .iter()
                .map(|k| {
                    let v = filled(e, &k.to_ascii_lowercase()).map(|v| {
                        if *k == "Configuration" {
                            let n = config_keys(v).len();
                            if n > 0 {
                                format!("{n} {}", plural(n, "key", "keys"))
                            } else {
                                one_line(v)
                            }
                        } else {
                            one_line(v)
                        }
                    });
                    (k.to_string(), v)
                })
                .collect(),
            };
            EnvRow {
                stage,
                required: config.required_environments.contains(&name),
                gate,
                entries: docs.iter().map(|(p, e)| loc(p, e, None)).collect(),
                fields,
                name,
            }
        })
        .collect()
}
