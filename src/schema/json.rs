//! The whole schema as JSON: what `dep-ls schema` prints and what the VS Code extension
//! bundles (`editors/code/src/schema.json`, checked against [`to_json`] by the test below).

use super::fields::{
    enum_values, field_doc, fields_of, is_required, placeholder, snippet_choices, value_doc,
    COMMON_FIELDS, DEP_FIELDS, METHODOLOGY_FIELDS,
};
use super::template::{editor_snippet, template, typical_stage, TEMPLATE_ACTION_KIND};
use super::{EntryType, Stage, DEPLOYMENT_KINDS};
use serde_json::{json, Value};

/// The ID a template is shown with.
const EXAMPLE_ID: &str = "DEP-001";

/// The fields with an enumeration (by normalised key).
const ENUMERATED: &[&str] = &["type", "stage", "blocker", "method", "name"];

/// One field of a template.
fn field(ty: EntryType, key: &str) -> Value {
    let norm = key.to_ascii_lowercase();
    json!({
        "key": key,
        "required": is_required(ty, key),
        "placeholder": placeholder(key),
        "choices": snippet_choices(key),
        "documentation": field_doc(&norm),
        "values": enum_values(&norm),
    })
}

/// The schema: Types (their description, typical Stages, fields in template order, and the
/// template text as the server inserts it, as its completion snippet and as the editor's static
/// snippet), Stages, enumerations, every known field with its documentation, the finding codes
/// (name, default severity, summary: what an editor's severity settings offer), and the kind of the
/// server's template code actions. Objects' keys are sorted, arrays keep their order: the same
/// schema gives the same text.
pub fn to_json() -> Value {
    let types: Vec<Value> = EntryType::ALL
        .into_iter()
        .map(|ty| {
            let t = template(ty, EXAMPLE_ID, None);
            json!({
                "name": ty.name(),
                "description": value_doc("type", ty.name()),
                "typicalStage": typical_stage(ty),
                "typicalStages": ty.typical_stages().iter().map(|s| s.name()).collect::<Vec<_>>(),
                "fields": fields_of(Some(ty)).into_iter().map(|k| field(ty, k)).collect::<Vec<_>>(),
                "template": {
                    "id": EXAMPLE_ID,
                    "text": t.text,
                    "snippet": t.snippet,
                },
                "editorSnippet": editor_snippet(ty),
            })
        })
        .collect();
    let enumerations: serde_json::Map<String, Value> = ENUMERATED
        .iter()
        .map(|k| {
            let values: Vec<Value> = enum_values(k)
                .unwrap_or_default()
                .iter()
                .map(|v| json!({ "value": v, "documentation": value_doc(k, v) }))
                .collect();
            (k.to_string(), Value::Array(values))
        })
        .collect();
    json!({
        "types": types,
        "stages": Stage::ALL.iter().map(|s| s.name()).collect::<Vec<_>>(),
        "commonFields": COMMON_FIELDS,
        "enumerations": enumerations,
        "fields": DEP_FIELDS
            .iter()
            .map(|k| json!({ "key": k, "documentation": field_doc(&k.to_ascii_lowercase()) }))
            .collect::<Vec<_>>(),
        "methodologyFields": METHODOLOGY_FIELDS,
        "deploymentKinds": DEPLOYMENT_KINDS,
        "templateAction": { "kind": TEMPLATE_ACTION_KIND, "dataKey": "template" },
        "codes": crate::codes::Code::ALL
            .iter()
            .map(|c| json!({
                "name": c.as_str(),
                "severity": c.default_severity().as_str(),
                "summary": c.describe(),
            }))
            .collect::<Vec<_>>(),
    })
}

/// [`to_json`] as the text `dep-ls schema` prints and `editors/code/src/schema.json` holds.
pub fn to_json_text() -> String {
    serde_json::to_string_pretty(&to_json()).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    /// `editors/code/src/schema.json` is [`super::to_json`], pretty-printed. After a schema
    /// change, regenerate it with
    /// `UPDATE_SCHEMA=1 cargo test --lib schema::json` (then `npm run schema` in editors/code).
    #[test]
    fn the_vs_code_extension_bundles_this_schema() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/code/src/schema.json");
        let want = super::to_json_text();
        if std::env::var_os("UPDATE_SCHEMA").is_some_and(|v| v == "1") {
            std::fs::write(&path, &want).expect("write schema.json");
            return;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "{} is not schema::to_json(): regenerate it with `UPDATE_SCHEMA=1 cargo test --lib schema::json`",
            path.display()
        );
    }
}
