//! An entry's fenced code blocks: literal secrets in them (`export DB_PASSWORD=…`).

use super::Sink;
use crate::check::values::find_secrets;
use crate::check::Code;
use crate::syntax::Entry;

/// Literal secrets in the fenced code blocks of a DEP- entry (`export DB_PASSWORD=…` in a
/// ```` ```bash ```` block): one finding per block line that holds one.
pub(super) fn code_secrets(sink: &mut Sink, entry: &Entry) {
    for line in &entry.code {
        for (s, what) in find_secrets(&line.text, true) {
            let at = entry.at(line.span.start);
            sink.push(
                Code::PlaintextSecret,
                at + s.start..at + s.end,
                Some(&entry.id),
                format!(
                    "{}: a code block of the entry holds {what} in plain text — secrets live in a secrets manager: read it from there (e.g. `$DB_PASSWORD` from the deploy environment) and rotate this one",
                    entry.id
                ),
            );
        }
    }
}
