//! A profile's own checklist (`[[checklist]]`): numbered sections of items, each item naming
//! the rows it rolls up by row id (`cors.preflight`), module (`websocket`) or endpoint member
//! (`endpoints.health`). Every name is checked: an id this binary does not emit, or an endpoint
//! the profile does not declare, is an error at its position.

use super::Profile;
use crate::engine::row::RowSelector;
use crate::target::{ChecklistSpec, ChecklistSpecItem, ChecklistSpecSection, Endpoint};
use anyhow::Result;
use serde::Deserialize;
use toml::Spanned;

/// One `[[checklist]]` section as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistSectionFile {
    /// As printed: "1", "2".
    pub number: Spanned<String>,
    pub name: String,
    pub items: Vec<ChecklistItemFile>,
}

/// One item of a section: `{ label = "…", rows = ["dns.resolve", …] }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecklistItemFile {
    pub label: String,
    pub rows: Vec<Spanned<String>>,
}

impl Profile {
    /// The checklist the profile declares, validated against the rows and its endpoints.
    pub(super) fn checklist(
        &self,
        sections: &[ChecklistSectionFile],
        endpoints: &[Endpoint],
    ) -> Result<ChecklistSpec> {
        let mut out = Vec::new();
        for s in sections {
            if s.number.get_ref().trim().is_empty() || s.items.is_empty() {
                return self.err_at(
                    s.number.span(),
                    "a checklist section has a number and at least one item",
                );
            }
            let mut items = Vec::new();
            for it in &s.items {
                let mut rows = Vec::new();
                for r in &it.rows {
                    rows.push(self.selector(r, endpoints)?);
                }
                if rows.is_empty() {
                    return self.err_at(
                        s.number.span(),
                        format!("checklist item {:?} names no rows", it.label),
                    );
                }
                items.push(ChecklistSpecItem {
                    label: it.label.clone(),
                    rows,
                });
            }
            out.push(ChecklistSpecSection {
                number: s.number.get_ref().trim().to_string(),
                name: s.name.clone(),
                items,
            });
        }
        Ok(ChecklistSpec { sections: out })
    }

    fn selector(&self, r: &Spanned<String>, endpoints: &[Endpoint]) -> Result<RowSelector> {
        let id = r.get_ref().trim();
        match RowSelector::parse(id) {
            Some(RowSelector::Member(row, name))
                if !endpoints.iter().any(|e| e.name == name) =>
            {
                let names: Vec<&str> = endpoints.iter().map(|e| e.name.as_str()).collect();
                self.err_at(
                    r.span(),
                    format!(
                        "{id:?} names no endpoint of this profile ({}: {})",
                        row.pattern(),
                        names.join(", ")
                    ),
                )
            }
            Some(sel) => Ok(sel),
            None => self.err_at(
                r.span(),
                format!("{id:?} is not a module or a row of one (modules: dns, tls, https, cors, endpoints, jwt, frontend, websocket)"),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::row::{Row, RowSelector};
    use crate::profile::Profile;

    const HEAD: &str = "[[endpoints]]\nname = \"health\"\npath = \"/health/\"\nexpect = [200]\n\n";

    #[test]
    fn a_declared_checklist_maps_onto_selectors() {
        let text = format!(
            "{HEAD}[[checklist]]\nnumber = \"1\"\nname = \"Domain\"\nitems = [\n  \
             {{ label = \"resolves\", rows = [\"dns.resolve\", \"dns.propagation\"] }},\n  \
             {{ label = \"up\", rows = [\"endpoints.health\", \"websocket\"] }},\n]\n"
        );
        let t = Profile::parse("x.toml", &text).unwrap().resolve().unwrap();
        let c = t.checklist.unwrap();
        assert_eq!(c.sections[0].number, "1");
        assert_eq!(c.sections[0].name, "Domain");
        assert_eq!(
            c.sections[0].items[0].rows,
            vec![
                RowSelector::Row(Row::DnsResolve),
                RowSelector::Row(Row::DnsPropagation)
            ]
        );
        assert_eq!(
            c.sections[0].items[1].rows[0],
            RowSelector::Member(Row::Endpoint, "health".into())
        );
    }

    #[test]
    fn unknown_rows_are_errors_at_their_position() {
        let cases = [
            (
                "[[checklist]]\nnumber = \"1\"\nname = \"D\"\nitems = [{ label = \"a\", rows = [\"dns.resolv\"] }]\n",
                "x.toml:4:33: key `checklist.items`: \"dns.resolv\" is not a module or a row",
            ),
            (
                "[[checklist]]\nnumber = \"4\"\nname = \"API\"\nitems = [{ label = \"a\", rows = [\"endpoints.nope\"] }]\n",
                "x.toml:4:33: key `checklist.items`: \"endpoints.nope\" names no endpoint",
            ),
            (
                "[[checklist]]\nnumber = \"1\"\nname = \"D\"\nitems = [{ label = \"a\", rowz = [] }]\n",
                "x.toml:4:",
            ),
            (
                "[[checklist]]\nnumber = \"1\"\nname = \"D\"\nitems = []\n",
                "x.toml:2:10: key `checklist.number`: a checklist section has a number and at least one item",
            ),
        ];
        for (text, want) in cases {
            let text = format!("{HEAD}{text}");
            let e = format!("{:#}", Profile::parse("x.toml", &text).unwrap_err());
            let want = want.replace(
                "x.toml:4:",
                &format!("x.toml:{}:", 4 + HEAD.lines().count()),
            );
            let want = want.replace(
                "x.toml:2:",
                &format!("x.toml:{}:", 2 + HEAD.lines().count()),
            );
            assert!(e.contains(&want), "got: {e}\nwant: {want}");
        }
    }
}
