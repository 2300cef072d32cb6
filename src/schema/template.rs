//! The text of a new DEP- entry of each Type: as the server's code action inserts it (the
//! guide's placeholders), as its completion inserts it (an LSP snippet), and as the VS Code
//! extension's static snippet (`snippets/markdown.json`, through `schema.json`).

use super::fields::{placeholder, snippet_choices, template_fields};
use super::{EntryType, Stage};

/// The code action kind of the server's "Insert a DEP- <Type> entry" actions (a `refactor`, so
/// clients asking for refactors get them). The action's `data` is `{"template": "<Type>"}`: an
/// editor finds the action of a Type by these, not by its title.
pub const TEMPLATE_ACTION_KIND: &str = "refactor.insert.dep-template";

/// A new entry of a Type, in two forms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    /// An LSP snippet (`${1:Title}`, `${3|Yes,No|}`): what completion inserts.
    pub snippet: String,
    /// Plain text with the guide's placeholders (`[Who verifies]`): what a code action inserts.
    pub text: String,
}

/// The Stage a new entry of the Type gets (the first of its typical Stages).
pub fn typical_stage(ty: EntryType) -> &'static str {
    ty.typical_stages()[0].name()
}

/// The placeholder (snippet) of a field in a template: its choices, or the guide's placeholder.
pub fn field_snippet(key: &str, n: usize) -> String {
    match snippet_choices(key) {
        Some(vals) => format!("${{{n}|{}|}}", vals.join(",")),
        None => format!("${{{n}:{}}}", placeholder(key)),
    }
}

/// A full entry of a Type with the ID `id`, its definition a heading of level `heading` (a
/// plain line when `None`).
pub fn template(ty: EntryType, id: &str, heading: Option<u8>) -> Template {
    let mut snip = String::new();
    let mut plain = String::new();
    match heading {
        Some(l) => {
            let hashes = "#".repeat(l as usize);
            snip.push_str(&format!("{hashes} {id}: ${{1:Title}}\n\n"));
            plain.push_str(&format!("{hashes} {id}: [Deployment Item Title]\n\n"));
        }
        None => {
            snip.push_str(&format!("{id}: ${{1:Title}}\n"));
            plain.push_str(&format!("{id}: [Deployment Item Title]\n"));
        }
    }
    for (n, k) in (2..).zip(template_fields(ty)) {
        let (sv, pv) = match k {
            "Type" => (ty.name().to_string(), ty.name().to_string()),
            "Stage" => (
                format!("${{{n}:{}}}", typical_stage(ty)),
                typical_stage(ty).to_string(),
            ),
            _ => (field_snippet(k, n), placeholder(k).to_string()),
        };
        snip.push_str(&format!("{k}: {sv}\n"));
        plain.push_str(&format!("{k}: {pv}\n"));
    }
    Template {
        snippet: snip,
        text: plain,
    }
}

/// Escapes text for a snippet placeholder (`$`, `}` and `\`).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '$' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The body lines of the editor's static snippet of a Type (VS Code's `snippets/markdown.json`,
/// its fallback when the server offers no template): tab stops for the ID number and the title,
/// then each field, the Stage a choice with the typical one first; `$0` last.
pub fn editor_snippet(ty: EntryType) -> Vec<String> {
    let mut lines = vec!["DEP-${1:001}: ${2:Title}".to_string()];
    let mut n = 3;
    for k in template_fields(ty) {
        match k {
            "Type" => lines.push(format!("Type: {}", ty.name())),
            "Stage" => {
                let typical = typical_stage(ty);
                let mut stages = vec![typical];
                stages.extend(
                    Stage::ALL
                        .iter()
                        .map(|s| s.name())
                        .filter(|s| *s != typical),
                );
                lines.push(format!("Stage: ${{{n}|{}|}}", stages.join(",")));
                n += 1;
            }
            _ => {
                lines.push(match snippet_choices(k) {
                    Some(vals) => format!("{k}: ${{{n}|{}|}}", vals.join(",")),
                    None => format!("{k}: ${{{n}:{}}}", escape(placeholder(k))),
                });
                n += 1;
            }
        }
    }
    lines.push("$0".to_string());
    lines
}
