//! The diagnostic checklist the report is laid out as, and the matrix it yields: checklist items
//! down, the deployment's parts across (the API host, each frontend origin, the WebSocket host),
//! each cell the worst status of the rows behind that item for that part.
//!
//! The default checklist follows the "Diagnostic Steps Required" of the TikTrue deployment
//! document: 1 Domain & DNS, 2 platform configuration, 3 CORS, 4 API endpoints, 5 SSL/HTTPS,
//! then the authentication round trip and the WebSocket. A profile may declare its own.

use crate::engine::row::{Row, RowSelector};
use crate::engine::{Finding, Module, Report, Status, Subject};
use url::Url;

/// A checklist: numbered sections of items, each item naming the rows it rolls up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklist {
    pub sections: Vec<ChecklistSection>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistSection {
    /// The section's number as printed ("1", "3").
    pub number: String,
    pub name: String,
    pub items: Vec<ChecklistItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistItem {
    pub label: String,
    /// The rows it rolls up. A row belongs to the first item that selects it.
    pub rows: Vec<RowSelector>,
}

fn item(label: &str, rows: &[Row]) -> ChecklistItem {
    ChecklistItem {
        label: label.to_string(),
        rows: rows.iter().map(|r| RowSelector::Row(*r)).collect(),
    }
}

fn member(label: &str, row: Row, name: &str) -> ChecklistItem {
    ChecklistItem {
        label: label.to_string(),
        rows: vec![RowSelector::Member(row, name.to_string())],
    }
}

fn section(number: u8, name: &str, items: Vec<ChecklistItem>) -> ChecklistSection {
    ChecklistSection {
        number: number.to_string(),
        name: name.to_string(),
        items,
    }
}

impl Checklist {
    /// The checklist of the TikTrue document's diagnostic steps.
    pub fn default_steps() -> Checklist {
        use Row::*;
        Checklist {
            sections: vec![
                section(
                    1,
                    "Domain & DNS",
                    vec![
                        item("resolves", &[DnsResolve]),
                        item("same answer everywhere", &[DnsPropagation]),
                        item("certificate installed", &[TlsHandshake, TlsHostname]),
                        item("reachable", &[DnsReach]),
                    ],
                ),
                section(
                    2,
                    "Platform configuration",
                    vec![
                        member("backend running", Endpoint, "health"),
                        item("frontend deployed", &[FrontendPage]),
                        item("API URL built into the frontend", &[FrontendBundle]),
                        item("debug mode off", &[EndpointsDebug]),
                        item("signing key not a known default", &[JwtWeakSecret]),
                    ],
                ),
                section(
                    3,
                    "CORS",
                    vec![
                        item("preflight", &[CorsPreflight]),
                        item("headers on the actual response", &[CorsActual]),
                        item("configuration safe", &[CorsSecurity, CorsCache]),
                    ],
                ),
                section(
                    4,
                    "API endpoints",
                    vec![
                        item("each answers", &[Endpoint]),
                        item("auth required", &[JwtRejectsForged]),
                        item("works with a token", &[JwtAuthenticated]),
                        item("no open setup routes", &[EndpointsExposure]),
                    ],
                ),
                section(
                    5,
                    "SSL/HTTPS",
                    vec![
                        item("certificate valid", &[TlsChain, TlsExpiry, TlsStrength]),
                        item("no mixed content", &[FrontendMixedContent]),
                        item("redirects to HTTPS", &[HttpsRedirect]),
                        item("security headers", &[HttpsHsts, HttpsHeaders, HttpsCookies]),
                    ],
                ),
                section(
                    6,
                    "Authentication round trip",
                    vec![
                        item("login", &[JwtLogin]),
                        item("CSRF trusts the frontend's origin", &[JwtCsrf]),
                        item("token claims", &[JwtClaims]),
                        item("refresh", &[JwtRefresh]),
                    ],
                ),
                section(
                    7,
                    "WebSocket",
                    vec![
                        item("upgrade", &[WebsocketUpgrade]),
                        item("scheme", &[WebsocketScheme]),
                        item("origin check", &[WebsocketOriginCheck]),
                    ],
                ),
            ],
        }
    }

    /// The checklist a profile declares, as it declares it.
    pub fn from_spec(spec: &crate::target::ChecklistSpec) -> Checklist {
        Checklist {
            sections: spec
                .sections
                .iter()
                .map(|s| ChecklistSection {
                    number: s.number.clone(),
                    name: s.name.clone(),
                    items: s
                        .items
                        .iter()
                        .map(|it| ChecklistItem {
                            label: it.label.clone(),
                            rows: it.rows.clone(),
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// The profile's checklist when it declares one, else the default steps.
    pub fn for_spec(spec: Option<&crate::target::ChecklistSpec>) -> Checklist {
        spec.map(Checklist::from_spec)
            .unwrap_or_else(Checklist::default_steps)
    }

    /// Where a finding belongs: (section index, item index), first match wins. Rows no item
    /// selects (the runner's own rows) go to a module catch-all selector if the checklist has
    /// one, otherwise nowhere (the report lists them under "Other").
    pub fn place(&self, f: &Finding) -> Option<(usize, usize)> {
        let specific = |want_module: bool| {
            self.sections.iter().enumerate().find_map(|(si, s)| {
                s.items
                    .iter()
                    .position(|it| {
                        it.rows.iter().any(|sel| {
                            matches!(sel, RowSelector::Module(_)) == want_module
                                && sel.matches(f.module, &f.id)
                        })
                    })
                    .map(|ii| (si, ii))
            })
        };
        specific(false).or_else(|| specific(true))
    }
}

/// One part of the deployment: a column of the matrix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Api { host: String },
    Origin { origin: String, host: String },
    WebSocket { host: String },
}

impl Part {
    /// The full name of the part, for legends and evidence headings.
    pub fn name(&self) -> String {
        match self {
            Part::Api { host } => format!("API {host}"),
            Part::Origin { origin, .. } => origin.clone(),
            Part::WebSocket { host } => format!("WebSocket {host}"),
        }
    }

    /// The column header: the host, or "API" / "WS" prefixed where it helps.
    pub fn header(&self) -> String {
        match self {
            Part::Api { host } | Part::Origin { host, .. } => host.clone(),
            Part::WebSocket { host } => format!("ws {host}"),
        }
    }
}

/// The matrix: the checklist's items, and for each, one cell per part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matrix {
    pub parts: Vec<Part>,
    pub sections: Vec<MatrixSection>,
    /// Rows no checklist item selects, by index into the report's findings.
    pub other: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixSection {
    pub number: String,
    pub name: String,
    pub items: Vec<MatrixItem>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixItem {
    /// "3.1"
    pub number: String,
    pub label: String,
    /// One per part: the worst status of the rows behind this item for it; `None` when no row.
    pub cells: Vec<Option<Status>>,
    /// The rows rolled up, by index into the report's findings, in report order.
    pub rows: Vec<usize>,
}

impl MatrixItem {
    pub fn worst(&self) -> Option<Status> {
        self.cells.iter().flatten().copied().reduce(Status::worst)
    }
}

fn host_of(u: &str) -> String {
    Url::parse(u)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_else(|| u.to_string())
}

/// The deployment's parts: the API host, each origin, and the WebSocket host when a WebSocket
/// row names one.
pub fn parts(report: &Report) -> Vec<Part> {
    let mut out = vec![Part::Api {
        host: host_of(&report.target),
    }];
    for o in &report.origins {
        out.push(Part::Origin {
            origin: o.clone(),
            host: host_of(o),
        });
    }
    let ws = report.findings.iter().find_map(|f| match &f.subject {
        Subject::WebSocket { url } => Some(host_of(url)),
        _ => None,
    });
    let has_ws = report
        .findings
        .iter()
        .any(|f| f.module == Module::Websocket && f.status != Status::Skip);
    if let Some(host) = ws {
        out.push(Part::WebSocket { host });
    } else if has_ws {
        out.push(Part::WebSocket {
            host: "socket".to_string(),
        });
    }
    out
}

/// The column a finding belongs to.
pub fn column(parts: &[Part], f: &Finding) -> usize {
    let origin_col = |origin: &str| {
        parts
            .iter()
            .position(|p| matches!(p, Part::Origin { origin: o, .. } if o == origin))
    };
    let host_col = |host: &str| {
        parts.iter().position(|p| match p {
            Part::Api { host: h } | Part::Origin { host: h, .. } => h == host,
            Part::WebSocket { .. } => false,
        })
    };
    let ws_col = || {
        parts
            .iter()
            .position(|p| matches!(p, Part::WebSocket { .. }))
    };
    let first_origin = || parts.iter().position(|p| matches!(p, Part::Origin { .. }));
    let found = match &f.subject {
        Subject::Origin { origin } | Subject::Call { origin, .. } => {
            origin_col(origin).or_else(|| host_col(&host_of(origin)))
        }
        Subject::WebSocket { .. } => ws_col(),
        Subject::Page { url } => {
            let origin = Url::parse(url)
                .ok()
                .map(|u| u.origin().ascii_serialization());
            origin
                .and_then(|o| origin_col(&o))
                .or_else(|| host_col(&host_of(url)))
        }
        Subject::Host { host, .. } => host_col(host),
        Subject::Endpoint { .. } => Some(0),
        Subject::Deployment => match f.module {
            Module::Websocket => ws_col(),
            Module::Frontend => first_origin(),
            _ => None,
        },
    };
    found.unwrap_or(0)
}

/// Lay the report's rows out on the checklist.
pub fn matrix(report: &Report, checklist: &Checklist) -> Matrix {
    let parts = parts(report);
    let mut sections: Vec<MatrixSection> = checklist
        .sections
        .iter()
        .map(|s| MatrixSection {
            number: s.number.clone(),
            name: s.name.clone(),
            items: s
                .items
                .iter()
                .enumerate()
                .map(|(i, it)| MatrixItem {
                    number: format!("{}.{}", s.number, i + 1),
                    label: it.label.clone(),
                    cells: vec![None; parts.len()],
                    rows: Vec::new(),
                })
                .collect(),
        })
        .collect();
    let mut other = Vec::new();
    for (i, f) in report.findings.iter().enumerate() {
        let Some((si, ii)) = checklist.place(f) else {
            other.push(i);
            continue;
        };
        let it = &mut sections[si].items[ii];
        it.rows.push(i);
        let col = column(&parts, f);
        it.cells[col] = Some(match it.cells[col] {
            Some(s) => Status::worst(s, f.status),
            None => f.status,
        });
    }
    for s in &mut sections {
        s.items.retain(|it| !it.rows.is_empty());
    }
    sections.retain(|s| !s.items.is_empty());
    Matrix {
        parts,
        sections,
        other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Finding;

    fn report(findings: Vec<Finding>) -> Report {
        Report {
            target: "https://api.x.test/api/v1".into(),
            origins: vec!["https://x.test".into(), "https://www.x.test".into()],
            origins_inferred: false,
            findings,
            duration_ms: 0,
            metrics: vec![],
            stack: None,
        }
    }

    #[test]
    fn rows_roll_up_into_items_by_part() {
        let fs = vec![
            Finding::of(Row::DnsResolve, Subject::host("api.x.test", None), "a"),
            Finding::of(Row::DnsResolve, Subject::host("x.test", None), "b").fail(),
            Finding::of(
                Row::CorsPreflight,
                Subject::call("https://www.x.test", "GET", "a/"),
                "c",
            )
            .warn(),
            Finding::of(
                Row::CorsPreflight,
                Subject::call("https://www.x.test", "POST", "b/"),
                "d",
            )
            .fail(),
            Finding::of(
                Row::Endpoint,
                Subject::endpoint("health", "GET", "/health/"),
                "e",
            ),
            Finding::of(
                Row::Endpoint,
                Subject::endpoint("login", "POST", "auth/login/"),
                "f",
            ),
        ];
        let r = report(fs);
        let m = matrix(&r, &Checklist::default_steps());
        assert_eq!(m.parts.len(), 3);
        let dns = &m.sections[0].items[0];
        assert_eq!(dns.number, "1.1");
        assert_eq!(
            dns.cells,
            vec![Some(Status::Pass), Some(Status::Fail), None]
        );
        let cors = m.sections.iter().find(|s| s.name == "CORS").unwrap();
        assert_eq!(cors.items[0].cells, vec![None, None, Some(Status::Fail)]);
        let platform = m.sections.iter().find(|s| s.number == "2").unwrap();
        assert_eq!(platform.items[0].label, "backend running");
        assert_eq!(platform.items[0].rows, vec![4]);
        let endpoints = m.sections.iter().find(|s| s.number == "4").unwrap();
        assert_eq!(endpoints.items[0].rows, vec![5]);
        assert!(m.other.is_empty());
    }

    #[test]
    fn runner_rows_are_other() {
        let f = Finding::runner(Module::Cors, crate::engine::row::RunnerRow::Internal, "x").error();
        let m = matrix(&report(vec![f]), &Checklist::default_steps());
        assert_eq!(m.other, vec![0]);
        assert!(m.sections.is_empty());
    }
}
