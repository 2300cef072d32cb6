//! Value classifiers used by the checks and the report, one module per job: measurable
//! thresholds and time windows (`measure`), template placeholders and filler (`filler`),
//! literal secrets (`secrets`), configuration keys and key suggestions (`keys`); did-you-mean
//! is re-exported from its leaf module, `suggest`.

mod filler;
mod keys;
mod measure;
mod secrets;

pub use crate::suggest::{did_you_mean, DID_YOU_MEAN_BUDGET};
pub use filler::{
    filler, filler_in, filler_label, is_filler, is_missing_owner, placeholders, Filler, FillerKind,
};
pub use keys::{config_keys, suggest_key};
pub use measure::{has_window, is_measurable, is_window_only, window_example};
pub use secrets::{find_secret, find_secrets, is_secret_name};

fn has_digit(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifiers_never_panic_on_odd_text() {
        let odd = [
            "",
            "=",
            ":",
            "a=",
            "=b",
            "'",
            "\"",
            "DB_PASSWORD='unterminated",
            "DB_PASSWORD=\"",
            "SG.",
            "x SG.",
            "-----BEGIN",
            "-----BEGIN PRIVATE KEY",
            "://",
            "a://b@",
            "a://:@",
            "https://hooks.slack.com/",
            "token\u{a0}=\u{a0}ü\u{2003}x://ä",
            "\u{a0}https://x.y/ghp_1234567890abcdefghij",
            "é=é",
            "TBD\u{a0}(é)",
            "—",
            "— —",
            "「TBD」",
            "5\u{2009}min",
            "> 5 €/min",
            "in 5 минут",
        ];
        for v in odd {
            let _ = find_secrets(v, true);
            let _ = find_secrets(v, false);
            let _ = filler_in(v);
            let _ = is_missing_owner(v);
            let _ = is_measurable(v);
            let _ = is_window_only(v);
            let _ = has_window(v);
            let _ = placeholders(v);
            let _ = suggest_key(v, crate::schema::DEP_FIELDS);
        }
    }
}
