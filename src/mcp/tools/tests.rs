//! The tools over small workspaces on disk, in process.

use super::paths::{scope, Scope};
use super::*;

fn ws(name: &str, files: &[(&str, &str)]) -> Workspace {
    let root = std::env::temp_dir().join(format!("dep-ls-mcp-tools-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).expect("mkdir");
    std::fs::write(root.join("dep-ls.toml"), "").expect("write");
    for (p, t) in files {
        let path = root.join(p);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, t).expect("write");
    }
    let root = root.canonicalize().expect("canonical");
    Workspace::load(&root, None, &|_, _| {})
}

fn args(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap_or_default()
}

fn bad(ws: &Workspace, tool: &str, a: Value) -> String {
    match call(ws, tool, &args(a.clone())) {
        Err(Error::Bad(m)) => m,
        other => panic!("{tool} {a}: expected a bad-argument error, got {other:?}"),
    }
}

#[test]
fn arguments_are_checked() {
    let ws = ws("args", &[("a.md", "DEP-001: a\n")]);
    assert!(bad(&ws, "check", json!({"path": 3})).contains("must be a string"));
    assert!(bad(&ws, "check", json!({"pth": "a.md"})).contains("did you mean `path`"));
    assert!(bad(&ws, "lookup_id", json!({})).contains("missing required argument `id`"));
    assert!(bad(&ws, "template", json!({"type": "Step", "heading": "2"})).contains("integer"));
    assert!(matches!(
        call(&ws, "nope", &Map::new()),
        Err(Error::UnknownTool(_))
    ));
}

#[test]
fn paths_stay_inside_the_workspace() {
    let ws = ws(
        "paths",
        &[
            ("plans/a.md", "DEP-001: a\n"),
            ("notes.txt", "x"),
            ("other/dep-ls.toml", ""),
            ("other/b.md", "DEP-002: b\n"),
        ],
    );
    assert_eq!(
        scope(&ws, Some("plans/a.md")),
        Ok(Scope::File("plans/a.md".into()))
    );
    assert_eq!(scope(&ws, Some("plans")), Ok(Scope::Folder("plans".into())));
    assert_eq!(scope(&ws, Some("plans/..")), Ok(Scope::All));
    let abs = ws.root.join("plans/a.md");
    assert_eq!(
        scope(&ws, abs.to_str()),
        Ok(Scope::File("plans/a.md".into()))
    );
    assert!(bad(&ws, "check", json!({"path": "../x.md"})).contains("outside the workspace"));
    assert!(bad(&ws, "check", json!({"path": "/etc/passwd"})).contains("outside"));
    assert!(bad(&ws, "check", json!({"path": "plans/b.md"})).contains("no such file"));
    assert!(bad(&ws, "check", json!({"path": "notes.txt"})).contains("not a Markdown file"));
    assert!(bad(&ws, "check", json!({"path": "other/b.md"})).contains("nested workspace other/"));
    // A link that leads out of the workspace is outside it.
    #[cfg(unix)]
    {
        let outside =
            std::env::temp_dir().join(format!("dep-ls-mcp-out-{}.md", std::process::id()));
        std::fs::write(&outside, "DEP-009: x\n").expect("write");
        std::os::unix::fs::symlink(&outside, ws.root.join("plans/link.md")).expect("symlink");
        assert!(bad(&ws, "check", json!({"path": "plans/link.md"})).contains("outside"));
        let _ = std::fs::remove_file(outside);
    }
}

#[test]
fn each_tool_answers() {
    let ws = ws(
        "answers",
        &[(
            "plan.md",
            "## DEP-001: Production\n\nType: Environment\nLinked IDs: API-001, TEST-001 to TEST-003\n\n## DEP-002: Go\n\nRelated IDs: DEP-001\n",
        )],
    );
    let a = call(&ws, "lookup_id", &args(json!({"id": "dep-001"}))).expect("lookup");
    assert_eq!(a.structured["id"], "DEP-001");
    assert_eq!(a.structured["definitions"][0]["line"], 1);
    assert_eq!(a.structured["linkedBy"][0]["id"], "DEP-002");
    let links = a.structured["definitions"][0]["links"]
        .as_array()
        .expect("links");
    assert!(links.iter().any(|l| l["id"] == "TEST-002"), "{links:?}");
    assert!(bad(&ws, "lookup_id", json!({"id": "DEP-0001"})).contains("unknown ID"));

    let a = call(&ws, "next_id", &args(json!({"prefix": "dep-"}))).expect("next");
    assert_eq!(a.structured["next"], "DEP-003");
    assert!(bad(&ws, "next_id", json!({"prefix": "NOPE"})).contains("unknown prefix"));

    let a = call(&ws, "template", &args(json!({"type": "rollback"}))).expect("template");
    assert!(a.text.starts_with("## DEP-003: "), "{}", a.text);
    assert!(bad(&ws, "template", json!({"type": "Rolback"})).contains("Did you mean Rollback"));

    let a = call(&ws, "check", &args(json!({"path": "plan.md"}))).expect("check");
    let n = a.structured["findings"].as_array().map_or(0, Vec::len);
    assert!(n > 1, "{}", a.structured);
    assert_eq!(a.structured["total"], n);
    let a = call(&ws, "check", &args(json!({"limit": 1}))).expect("check");
    assert_eq!(a.structured["findings"].as_array().map(Vec::len), Some(1));
    assert_eq!(a.structured["truncated"], true);
    assert!(a.text.contains("more"), "{}", a.text);
    assert!(bad(&ws, "check", json!({"limit": 0})).contains("at least 1"));
    let a = call(&ws, "readiness", &args(json!({}))).expect("readiness");
    assert_eq!(a.structured["ready"], false);
}
