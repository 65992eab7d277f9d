//! Dates written in a timeliness target and its result (`2024年11月底前` against
//! `2025年1月10日完成`): a result dated after the deadline was not achieved on time, whatever
//! words surround the dates. Used by the scoring of qualitative indicators (score-mismatch).

/// A date as the forms write it in text: the year may be left out (the form's year is meant),
/// and so may the day (the whole month is meant: `11月底前`, `12月完成`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextDate {
    pub year: Option<i32>,
    pub month: u32,
    pub day: Option<u32>,
}

/// The first date in `s`: `2024年11月30日`, `2024年11月底`, `11月`, `2024-11-30`, `2024.11.30`,
/// `2024/11/30`. Not a bare year (`2024年` is a period, not a deadline).
pub fn first_date(s: &str) -> Option<TextDate> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit()) {
            if let Some(d) = date_at(&s[i..]) {
                return Some(d);
            }
        }
        i += 1;
    }
    None
}

fn number(s: &str) -> Option<(u32, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if end == 0 || end > 4 {
        return None;
    }
    Some((s[..end].parse().ok()?, &s[end..]))
}

fn date_at(s: &str) -> Option<TextDate> {
    let (first, rest) = number(s)?;
    let (year, rest) = if let Some(r) = rest.strip_prefix('年').filter(|_| first >= 1900) {
        (Some(first as i32), r)
    } else if let Some(r) = rest.strip_prefix(['-', '.', '/']).filter(|_| first >= 1900) {
        // 2024-11-30: the separators stand for 年 and 月.
        let (m, r) = number(r)?;
        let (d, _) = r.strip_prefix(['-', '.', '/']).and_then(number)?;
        return valid(Some(first as i32), m, Some(d));
    } else {
        return match rest.strip_prefix('月') {
            Some(r) => month_day(None, first, r),
            None => None,
        };
    };
    let (m, r) = number(rest)?;
    month_day(year, m, r.strip_prefix('月')?)
}

fn month_day(year: Option<i32>, month: u32, after: &str) -> Option<TextDate> {
    let day = number(after)
        .filter(|(_, r)| r.starts_with(['日', '号']))
        .map(|(d, _)| d);
    valid(year, month, day)
}

fn valid(year: Option<i32>, month: u32, day: Option<u32>) -> Option<TextDate> {
    ((1..=12).contains(&month) && day.is_none_or(|d| (1..=31).contains(&d))).then_some(TextDate {
        year,
        month,
        day,
    })
}

/// Whether `actual` is dated after the deadline in `target`: `None` when either has no date.
/// A missing day compares by month, so `12月完成` is not late for `12月底前`.
pub fn late(target: &str, actual: &str) -> Option<bool> {
    let (t, a) = (first_date(target)?, first_date(actual)?);
    let (ty, ay) = match (t.year, a.year) {
        (Some(ty), Some(ay)) => (ty, ay),
        // A year on one side only: the other is the same year (the form's).
        (Some(y), None) | (None, Some(y)) => (y, y),
        (None, None) => (0, 0),
    };
    if (ay, a.month) != (ty, t.month) {
        return Some((ay, a.month) > (ty, t.month));
    }
    Some(matches!((t.day, a.day), (Some(td), Some(ad)) if ad > td))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_text() {
        let d = |y, m, day| {
            Some(TextDate {
                year: y,
                month: m,
                day,
            })
        };
        assert_eq!(first_date("2024年11月底前"), d(Some(2024), 11, None));
        assert_eq!(
            first_date("于2024年11月30日前完成"),
            d(Some(2024), 11, Some(30))
        );
        assert_eq!(first_date("12月完成"), d(None, 12, None));
        assert_eq!(first_date("2025-01-10完成"), d(Some(2025), 1, Some(10)));
        assert_eq!(first_date("2024年完成"), None);
        assert_eq!(first_date("及时"), None);
        assert_eq!(first_date("13月"), None);
        assert_eq!(first_date("≤30个工作日"), None);
    }

    #[test]
    fn lateness() {
        assert_eq!(late("2024年11月底前", "2025年1月10日完成"), Some(true));
        assert_eq!(late("2024年11月底前", "2024年11月25日完成"), Some(false));
        assert_eq!(late("11月底前", "12月完成"), Some(true));
        assert_eq!(late("12月底前", "12月完成"), Some(false));
        assert_eq!(late("2024年11月20日前", "2024年11月25日"), Some(true));
        assert_eq!(late("及时", "2024年11月25日"), None);
        assert_eq!(late("2024年11月底前", "按时完成"), None);
    }
}
