//! Where plans are cut: the plan a file belongs to (`plan_key`), and the release folders
//! (`v1/`, `release/checkout-redesign/`) that are plans of their own.

use crate::config::PlanScope;

/// The plan a file belongs to: its key (`""` for the workspace's one plan). The one place
/// plans are cut: `check` and `report::plans` both ask here.
///
/// With the default scope (`workspace`), a workspace is one plan, except release folders: a
/// file inside a folder whose name is a version or a release (`v1`, `v2.3`, `1.4.0`,
/// `2024-q3`, `2024-07`, `release-1.2`, `rel_3`), or inside a direct subfolder of a
/// `release/` or `releases/` folder (`release/checkout-redesign/`), belongs to the plan of
/// that folder (the first such folder on its path). `release/v1/` and `release/v2/` are two
/// plans, so v2 never borrows v1's Rollback, while the methodology's layout (`SoT/`, `epics/`,
/// files at the root, `release/plan.md`) stays one plan.
pub fn plan_key(path: &str, scope: PlanScope) -> String {
    match scope {
        PlanScope::Workspace => release_folder(path).unwrap_or_default().to_string(),
        PlanScope::Directory => path
            .rsplit_once('/')
            .map(|(d, _)| d.to_string())
            .unwrap_or_default(),
        PlanScope::File => path.to_string(),
    }
}

/// The release folder a workspace-relative path lies in (see [`plan_key`]): the path up to
/// and including it.
fn release_folder(path: &str) -> Option<&str> {
    let (dirs, _) = path.rsplit_once('/')?;
    let mut end = 0;
    let mut parent_is_release = false;
    for seg in dirs.split('/') {
        end += seg.len();
        if parent_is_release || is_version_name(seg) {
            return Some(&path[..end]);
        }
        parent_is_release =
            seg.eq_ignore_ascii_case("release") || seg.eq_ignore_ascii_case("releases");
        end += 1;
    }
    None
}

/// Is a folder name a version or a release: `v1`, `v2.3`, `V10_1`, `1.4`, `1.4.0`, `2024-q3`,
/// `2024-h1`, `2024-07`, `release-1.2`, `release_v2`, `rel-3`?
fn is_version_name(name: &str) -> bool {
    // No allocation: this runs for every folder of every file's path on each plan check.
    fn strip<'s>(s: &'s str, p: &str) -> Option<&'s str> {
        (s.len() >= p.len() && s.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes()))
            .then(|| &s[p.len()..])
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    // `1`, `1.2`, `1_2`, `1-2-3`: numbers joined by `.`, `_` or `-`.
    let dotted = |s: &str| s.split(['.', '_', '-']).all(digits);
    if let Some(rest) = strip(name, "v") {
        return dotted(rest);
    }
    if let Some(rest) = strip(name, "release") {
        let rest = rest.trim_start_matches(['-', '_', ' ']);
        return dotted(strip(rest, "v").unwrap_or(rest));
    }
    if let Some(rest) = strip(name, "rel") {
        let sep = rest.trim_start_matches(['-', '_', ' ']);
        return sep.len() < rest.len() && dotted(strip(sep, "v").unwrap_or(sep));
    }
    if let Some((year, part)) = name.split_once('-') {
        if year.len() == 4 && digits(year) {
            let b = part.as_bytes();
            let q = |c: u8| {
                b.len() == 2 && b[0].eq_ignore_ascii_case(&c) && (b'1'..=b'4').contains(&b[1])
            };
            return q(b'q') || q(b'h') || (b.len() == 2 && digits(part));
        }
    }
    // `1.2`, `1.4.0` (a bare number such as `2024` or `01` is not a version).
    name.contains('.') && dotted(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_folders_are_plans_of_their_own() {
        let k = |p: &str| plan_key(p, PlanScope::Workspace);
        // The methodology's layout: one plan.
        for p in [
            "PRD.md",
            "SoT/SoT.DEPLOYMENT.md",
            "epics/EPIC-01-x.md",
            "release/plan.md",
            "releases/notes.md",
            "temp/v0.5-requirements/SKILL.md",
            ".claude/skills/prd-v08-release-planning/assets/dep-template.md",
            "docs/2024/plan.md",
            "docs/01/plan.md",
            "v1.md",
            "release-notes/x.md",
            "revision/x.md",
            "vé/x.md",
            "rel€/x.md",
            "2024-é/x.md",
            "releasé/x.md",
        ] {
            assert_eq!(k(p), "", "{p}");
        }
        for (p, key) in [
            ("release/v1/plan.md", "release/v1"),
            ("release/v2/rollback.md", "release/v2"),
            ("release/v2/sub/deep.md", "release/v2"),
            ("releases/checkout/plan.md", "releases/checkout"),
            ("Release/Checkout/plan.md", "Release/Checkout"),
            ("plans/v2.3/plan.md", "plans/v2.3"),
            ("plans/V10_1/plan.md", "plans/V10_1"),
            ("1.4.0/plan.md", "1.4.0"),
            ("q/2024-q3/plan.md", "q/2024-q3"),
            ("2024-h1/plan.md", "2024-h1"),
            ("2024-07/plan.md", "2024-07"),
            ("docs/release-1.2/plan.md", "docs/release-1.2"),
            ("docs/release_v2/plan.md", "docs/release_v2"),
            ("docs/rel-3/plan.md", "docs/rel-3"),
            ("ü/v1/x.md", "ü/v1"),
        ] {
            assert_eq!(k(p), key, "{p}");
        }
        // The other scopes are unchanged.
        assert_eq!(
            plan_key("release/v1/plan.md", PlanScope::Directory),
            "release/v1"
        );
        assert_eq!(plan_key("SoT/a.md", PlanScope::Directory), "SoT");
        assert_eq!(plan_key("SoT/a.md", PlanScope::File), "SoT/a.md");
    }
}
