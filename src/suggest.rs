//! Did-you-mean: the closest of some candidates to a word, when it is close enough to be a typo
//! (a leaf: the configuration and the checks both suggest codes, keys and values with it).

/// Distances one [`did_you_mean`] computes at most.
pub const DID_YOU_MEAN_BUDGET: usize = 2_000;

/// The closest candidate to `word` (case-insensitive), if it is close enough to be a typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let w = word.to_ascii_lowercase();
    let w_len = w.chars().count();
    let mut best: Option<(&str, f64)> = None;
    // Bounded work: a profile with 200,000 prefixes and 2,000 unknown-prefix links took 85 s.
    // Candidates too long or too short to be close are skipped before any distance is computed,
    // and at most DID_YOU_MEAN_BUDGET distances are computed per call.
    let mut budget = DID_YOU_MEAN_BUDGET;
    for c in candidates {
        if c.eq_ignore_ascii_case(word) {
            return Some(c);
        }
        let c_len = c.chars().count();
        let prefix_of = w_len >= 4
            && c.len() > word.len()
            && c.as_bytes()[..word.len()].eq_ignore_ascii_case(word.as_bytes());
        if c_len.abs_diff(w_len) > 3 && !prefix_of {
            continue;
        }
        if budget == 0 {
            break;
        }
        budget -= 1;
        let cl = c.to_ascii_lowercase();
        let d = strsim::damerau_levenshtein(&w, &cl);
        let max_len = w.chars().count().max(cl.chars().count());
        let jw = strsim::jaro_winkler(&w, &cl);
        let close = (d <= 1 && max_len >= 3)
            || (d <= 2 && max_len >= 6)
            || (d <= 3 && max_len >= 10)
            || (jw >= 0.9 && max_len >= 4)
            || (cl.starts_with(&w) && w.len() >= 4);
        if close {
            let score = jw - d as f64 * 0.01;
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((c, score));
            }
        }
    }
    best.map(|(c, _)| c)
}
