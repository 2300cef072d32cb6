//! `check --format github`: GitHub Actions workflow commands, which annotate the files of a
//! pull request (`::error file=…,line=…,col=…::message`).

use super::Item;
use crate::check::Severity;
use std::io::{self, Write};

/// Escapes a workflow command's message.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One workflow command per finding (`::error file=…,line=…::message`), related notes in
/// its message.
pub(super) fn write(out: &mut dyn Write, items: &[Item]) -> io::Result<()> {
    for i in items {
        let command = match i.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info | Severity::Hint => "notice",
        };
        let r = i.loc.range;
        let mut props = format!(
            "file={},line={}",
            gh_property(&i.file_arg),
            r.start.line + 1
        );
        // GitHub takes columns only for single-line annotations.
        if r.start.line == r.end.line {
            props.push_str(&format!(
                ",col={},endLine={},endColumn={}",
                r.start.character + 1,
                r.end.line + 1,
                r.end.character + 1
            ));
        } else {
            props.push_str(&format!(",endLine={}", r.end.line + 1));
        }
        props.push_str(&format!(
            ",title={}",
            gh_property(&format!("dep-ls {}", i.code.as_str()))
        ));
        let mut message = i.message.clone();
        for rel in &i.related {
            message.push_str(&format!(
                "\nnote: {}:{}:{}: {}",
                rel.file_arg,
                rel.loc.range.start.line + 1,
                rel.loc.col_chars + 1,
                rel.message
            ));
        }
        writeln!(out, "::{command} {props}::{}", gh_data(&message))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_escaping() {
        assert_eq!(gh_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(gh_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
