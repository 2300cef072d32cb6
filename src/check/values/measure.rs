//! Measurability and time windows: is a threshold a number with a comparator or a unit
//! (`is_measurable`), does it name a window (`has_window`), or is it a window and nothing
//! measurable (`is_window_only`, `window_example`)?

use super::has_digit;

const COMPARATOR_WORDS: &[&str] = &[
    "above",
    "below",
    "exceeds",
    "exceed",
    "exceeding",
    "more than",
    "less than",
    "over",
    "under",
    "at least",
    "at most",
    "greater than",
    "fewer than",
    "higher than",
    "lower than",
    "drops",
    "rises",
    "increase",
    "decrease",
    "spike",
    "within",
    "outside",
    "max",
    "min",
    "maximum",
    "minimum",
];

const UNITS: &[&str] = &[
    "%",
    "ms",
    "s",
    "sec",
    "secs",
    "second",
    "seconds",
    "m",
    "min",
    "mins",
    "minute",
    "minutes",
    "h",
    "hr",
    "hrs",
    "hour",
    "hours",
    "d",
    "day",
    "days",
    "rps",
    "qps",
    "rpm",
    "req",
    "reqs",
    "request",
    "requests",
    "error",
    "errors",
    "report",
    "reports",
    "user",
    "users",
    "failures",
    "failure",
    "x",
    "kb",
    "mb",
    "gb",
    "tb",
    "ops",
    "events",
    "orders",
    "transactions",
    "times",
    "checks",
    "attempts",
    "pods",
    "nodes",
    "instances",
    "percent",
    "bps",
    "kbps",
    "mbps",
    "responses",
    "calls",
    "alerts",
    "retries",
    "timeouts",
    "crashes",
    "restarts",
    "exceptions",
    "incidents",
    "tickets",
    "complaints",
];

/// Is a threshold value measurable: a number with a comparator or a unit?
/// (`>2% of requests for 5 minutes`, `p99 latency > 800ms`, `error rate above 1.5%`,
/// `more than 3 user reports in 10 min`.) `high`, `TBD`, `bad` are not.
/// A duration alone (`in 5 minutes`, `5 minutes`, `within 5 minutes`) is a window, not a
/// threshold: at least one number must measure something else, or a duration must follow a
/// comparator (`latency > 2s`).
pub fn is_measurable(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    // Numbers that are part of a metric name (p99, 5xx, http2) do not count on their own.
    let mut numbers = numbers_in(&v);
    numbers.retain(|&(s, e)| !is_window_number(&v, s, e));
    if numbers.is_empty() {
        return false;
    }
    if v.contains(['>', '<', '≥', '≤', '=']) {
        return true;
    }
    if COMPARATOR_WORDS.iter().any(|w| contains_word(&v, w)) {
        return true;
    }
    // A unit right after a number, or a counted noun a few words on
    // (`3 consecutive failed health checks`).
    numbers.iter().any(|&(_, end)| {
        let rest = v[end..].trim_start();
        let unit: String = rest
            .chars()
            .take_while(|c| c.is_alphabetic() || *c == '%' || *c == '/')
            .collect();
        let unit = unit.split('/').next().unwrap_or("");
        UNITS.contains(&unit)
            || rest
                .split_whitespace()
                .take(4)
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
                .any(|w| w.len() > 2 && UNITS.contains(&w))
    })
}

/// Is the value a time window and nothing measurable (`in 5 minutes`, `within 10m`)?
pub fn is_window_only(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    let numbers = numbers_in(&v);
    !numbers.is_empty() && numbers.iter().all(|&(s, e)| is_window_number(&v, s, e))
}

/// A window to suggest for a threshold that has none, different from any duration in it (no
/// "5 minutes for 5 minutes").
pub fn window_example(value: &str) -> &'static str {
    let v = value.to_ascii_lowercase();
    if v.contains("5 min") || v.contains("5m") || v.contains("5-min") {
        "10 minutes"
    } else {
        "5 minutes"
    }
}

/// Is the number at `s..e` of `v` (lowercase) a duration that is not compared (`for 5 minutes`,
/// `in 10m`, `5 minutes`) — unlike `> 2s` or `latency above 3 seconds`?
fn is_window_number(v: &str, s: usize, e: usize) -> bool {
    let rest = v[e..].trim_start_matches([' ', '-']);
    let unit: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
    let after = rest[unit.len()..].chars().next();
    if !TIME_UNITS.contains(&unit.as_str()) || after == Some('/') {
        return false;
    }
    let before = v[..s].trim_end();
    if before.ends_with(['>', '<', '≥', '≤', '=', '+']) {
        return false;
    }
    let last_words: Vec<&str> = before.split_whitespace().rev().take(2).collect();
    let one = last_words.first().copied().unwrap_or("");
    let two = match last_words.as_slice() {
        [a, b] => format!("{b} {a}"),
        _ => String::new(),
    };
    const COMPARED: &[&str] = &[
        "above",
        "below",
        "exceeds",
        "exceed",
        "exceeding",
        "under",
        "max",
        "maximum",
        "min",
        "minimum",
        "beyond",
        "than",
        "least",
        "most",
        "reaches",
        "hits",
        "is",
        "takes",
    ];
    !(COMPARED.contains(&one) || ["more than", "longer than", "at least"].contains(&two.as_str()))
}

/// Standalone numbers (not glued to letters before them, like `p99` or `ec2`), as byte spans.
fn numbers_in(v: &str) -> Vec<(usize, usize)> {
    let b = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            let s = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.' || b[i] == b',') {
                i += 1;
            }
            let glued_before = s > 0 && b[s - 1].is_ascii_alphabetic();
            let glued_xx =
                b.get(i).is_some_and(|c| *c == b'x') && b.get(i + 1).is_some_and(|c| *c == b'x');
            if !glued_before && !glued_xx {
                out.push((s, i));
            }
        } else {
            i += 1;
        }
    }
    out
}

fn contains_word(hay: &str, word: &str) -> bool {
    let mut from = 0;
    while let Some(p) = hay[from..].find(word) {
        let s = from + p;
        let e = s + word.len();
        let before_ok = s == 0 || !hay.as_bytes()[s - 1].is_ascii_alphanumeric();
        let after_ok = e >= hay.len() || !hay.as_bytes()[e].is_ascii_alphanumeric();
        if before_ok && after_ok {
            return true;
        }
        from = e;
    }
    false
}

const TIME_UNITS: &[&str] = &[
    "s", "sec", "secs", "second", "seconds", "m", "min", "mins", "minute", "minutes", "h", "hr",
    "hrs", "hour", "hours", "d", "day", "days",
];

/// Does a threshold name a time window (`for 5 minutes`, `over 10m`, `in 10 min`,
/// `within 1 hour`, `per minute`, `5-minute window`)?
pub fn has_window(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    let words: Vec<&str> = v
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    const LEADS: &[&str] = &[
        "for",
        "over",
        "within",
        "in",
        "during",
        "across",
        "sustained",
        "rolling",
        "last",
        "per",
        "each",
        "every",
    ];
    for (i, w) in words.iter().enumerate() {
        if LEADS.contains(w) {
            // `for 5 minutes`, `over 10m`, `per minute`, `in a 5 minute window`
            for next in words.iter().skip(i + 1).take(3) {
                if is_duration(next) || TIME_UNITS.contains(next) && *next != "m" && *next != "s" {
                    return true;
                }
            }
        }
        if (w.ends_with("-minute")
            || w.ends_with("-hour")
            || w.ends_with("-second")
            || w.ends_with("-min"))
            && has_digit(w)
        {
            return true;
        }
        if *w == "window"
            && i > 0
            && (is_duration(words[i - 1]) || TIME_UNITS.contains(&words[i - 1]))
        {
            return true;
        }
    }
    v.contains("/min") || v.contains("/hour") || v.contains("/h ") || v.contains("/sec")
}

/// `5m`, `10min`, `2h`, `30s` (a bare number is no duration: `per 100 requests`).
fn is_duration(w: &str) -> bool {
    let digits = w
        .bytes()
        .take_while(|c| c.is_ascii_digit() || *c == b'.')
        .count();
    if digits == 0 {
        return false;
    }
    let unit = &w[digits..];
    TIME_UNITS.contains(&unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measurable_thresholds() {
        for v in [
            ">2% of requests for 5 minutes",
            "p99 latency > 800ms",
            "error rate above 1.5%",
            "more than 3 user reports in 10 min",
            "5xx rate exceeds 2% for 5 minutes",
            "p95 ≥ 400 ms",
        ] {
            assert!(is_measurable(v), "{v}");
        }
        for v in [
            "high",
            "TBD",
            "bad",
            "[Specific metric or condition]",
            "p99 is bad",
            "5xx errors",
            "when it feels slow",
        ] {
            assert!(!is_measurable(v), "{v}");
        }
    }

    #[test]
    fn windows() {
        for v in [
            ">2% of requests for 5 minutes",
            "over 10m",
            "more than 3 user reports in 10 min",
            "p95 > 400ms sustained 5m",
            "3 failures per minute",
            "2% in a 5-minute window",
        ] {
            assert!(has_window(v), "{v}");
        }
        for v in ["p99 latency > 800ms", "error rate above 1.5%", "> 5 errors"] {
            assert!(!has_window(v), "{v}");
        }
    }

    #[test]
    fn a_duration_alone_is_a_window_not_a_threshold() {
        for v in [
            "in 5 minutes",
            "5 minutes",
            "within 5 minutes",
            "for 10m",
            "over 1 hour",
        ] {
            assert!(!is_measurable(v), "{v}");
            assert!(is_window_only(v), "{v}");
        }
        for v in [
            ">2% of requests for 5 minutes",
            "p99 latency > 800ms",
            "error rate above 1.5%",
            "more than 3 user reports in 10 min",
            "p99 latency > 2s for 5 minutes",
            "checkout takes longer than 3 seconds",
            "3 failed health checks within 5 minutes",
        ] {
            assert!(is_measurable(v), "{v}");
            assert!(!is_window_only(v), "{v}");
        }
        assert_eq!(window_example("latency > 5 minutes"), "10 minutes");
        assert_eq!(window_example("p99 latency > 800ms"), "5 minutes");
    }
}
