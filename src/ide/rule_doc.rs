//! A rule's explanation, from docs/RULES.md compiled into the binary: the editor shows it
//! offline, and it always matches the checker that produced the diagnostic.

use crate::check::rule;

const RULES_MD: &str = include_str!("../../docs/RULES.md");

/// The `### <id>` section of docs/RULES.md, as Markdown, headed by the rule's summary.
pub fn rule_doc(id: &str) -> Option<String> {
    let r = rule(id)?;
    let heading = format!("### {id}");
    let mut lines = RULES_MD.lines().skip_while(|l| l.trim_end() != heading);
    lines.next()?;
    let body: Vec<&str> = lines
        .take_while(|l| !l.starts_with("## ") && !l.starts_with("### "))
        .collect();
    Some(format!(
        "# {id}：{}\n\n{}\n",
        r.summary,
        body.join("\n").trim()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::RULES;

    #[test]
    fn every_rule_has_its_explanation() {
        for r in RULES {
            let doc = rule_doc(r.id).unwrap_or_else(|| panic!("docs/RULES.md: no ### {}", r.id));
            assert!(doc.lines().count() > 3, "{}: {doc}", r.id);
            assert!(!doc.contains("\n### "), "{}", r.id);
        }
        assert!(rule_doc("no-such-rule").is_none());
    }

    #[test]
    fn a_section_stops_at_the_next_rule() {
        let doc = rule_doc("funding-sum").unwrap();
        assert!(doc.starts_with("# funding-sum：资金合计不符"), "{doc}");
        assert!(!doc.contains("money-format"), "{doc}");
    }
}
