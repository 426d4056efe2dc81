//! Every checklist row as a type. [`Row::id`] is the JSON id CI users grep and suppress by; one
//! list ([`Row::ALL`]) declares every module's rows in checklist order, and the registry, the
//! report order, profile keys and the runner's "unfinished" rows all derive from it.

use super::module::Module;

/// One checklist row. `Endpoint` is a family: one row per configured endpoint, whose id is
/// `endpoints.<name>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Row {
    DnsResolve,
    DnsPropagation,
    DnsReach,
    TlsHandshake,
    TlsChain,
    TlsHostname,
    TlsExpiry,
    TlsStrength,
    HttpsRedirect,
    HttpsHsts,
    HttpsHeaders,
    HttpsCookies,
    CorsPreflight,
    CorsActual,
    CorsSecurity,
    CorsCache,
    /// `endpoints.<name>`: one per endpoint of the map.
    Endpoint,
    EndpointsDebug,
    EndpointsExposure,
    /// The stylesheets and scripts of the backend's HTML pages are served.
    EndpointsStatic,
    JwtLogin,
    /// The app's unsafe requests (the login POST with the frontend's Origin, and after a login
    /// that starts a session, its next POST with the session's cookies) are not refused by the
    /// API's CSRF check.
    JwtCsrf,
    JwtClaims,
    JwtAuthenticated,
    JwtRefresh,
    JwtRejectsForged,
    JwtWeakSecret,
    FrontendPage,
    FrontendMixedContent,
    FrontendBundle,
    WebsocketUpgrade,
    WebsocketScheme,
    WebsocketOriginCheck,
}

/// A row the runner adds itself, outside any module's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RunnerRow {
    /// The module crashed: `<module>.internal`.
    Internal,
    /// The deadline passed after the module had reported all its declared rows but before it
    /// finished: `<module>.deadline`.
    Deadline,
}

impl Row {
    /// Every row, in checklist order.
    pub const ALL: [Row; 33] = [
        Row::DnsResolve,
        Row::DnsPropagation,
        Row::DnsReach,
        Row::TlsHandshake,
        Row::TlsChain,
        Row::TlsHostname,
        Row::TlsExpiry,
        Row::TlsStrength,
        Row::HttpsRedirect,
        Row::HttpsHsts,
        Row::HttpsHeaders,
        Row::HttpsCookies,
        Row::CorsPreflight,
        Row::CorsActual,
        Row::CorsSecurity,
        Row::CorsCache,
        Row::Endpoint,
        Row::EndpointsDebug,
        Row::EndpointsExposure,
        Row::EndpointsStatic,
        Row::JwtLogin,
        Row::JwtCsrf,
        Row::JwtClaims,
        Row::JwtAuthenticated,
        Row::JwtRefresh,
        Row::JwtRejectsForged,
        Row::JwtWeakSecret,
        Row::FrontendPage,
        Row::FrontendMixedContent,
        Row::FrontendBundle,
        Row::WebsocketUpgrade,
        Row::WebsocketScheme,
        Row::WebsocketOriginCheck,
    ];

    /// The rows of one module, in checklist order.
    pub fn of(module: Module) -> impl Iterator<Item = Row> {
        Row::ALL.into_iter().filter(move |r| r.module() == module)
    }

    pub fn module(self) -> Module {
        use Row::*;
        match self {
            DnsResolve | DnsPropagation | DnsReach => Module::Dns,
            TlsHandshake | TlsChain | TlsHostname | TlsExpiry | TlsStrength => Module::Tls,
            HttpsRedirect | HttpsHsts | HttpsHeaders | HttpsCookies => Module::Https,
            CorsPreflight | CorsActual | CorsSecurity | CorsCache => Module::Cors,
            Endpoint | EndpointsDebug | EndpointsExposure | EndpointsStatic => Module::Endpoints,
            JwtLogin | JwtCsrf | JwtClaims | JwtAuthenticated | JwtRefresh | JwtRejectsForged
            | JwtWeakSecret => Module::Jwt,
            FrontendPage | FrontendMixedContent | FrontendBundle => Module::Frontend,
            WebsocketUpgrade | WebsocketScheme | WebsocketOriginCheck => Module::Websocket,
        }
    }

    /// The part of the id after the module's name (`resolve` of `dns.resolve`); `None` for the
    /// endpoint family, whose suffix is the endpoint's name.
    fn suffix(self) -> Option<&'static str> {
        use Row::*;
        Some(match self {
            DnsResolve => "resolve",
            DnsPropagation => "propagation",
            DnsReach => "reach",
            TlsHandshake => "handshake",
            TlsChain => "chain",
            TlsHostname => "hostname",
            TlsExpiry => "expiry",
            TlsStrength => "strength",
            HttpsRedirect => "redirect",
            HttpsHsts => "hsts",
            HttpsHeaders => "headers",
            HttpsCookies => "cookies",
            CorsPreflight => "preflight",
            CorsActual => "actual",
            CorsSecurity => "security",
            CorsCache => "cache",
            Endpoint => return None,
            EndpointsDebug => "debug",
            EndpointsExposure => "exposure",
            EndpointsStatic => "static",
            JwtLogin => "login",
            JwtCsrf => "csrf",
            JwtClaims => "claims",
            JwtAuthenticated => "authenticated",
            JwtRefresh => "refresh",
            JwtRejectsForged => "rejects-forged",
            JwtWeakSecret => "weak-secret",
            FrontendPage => "page",
            FrontendMixedContent => "mixed-content",
            FrontendBundle => "bundle",
            WebsocketUpgrade => "upgrade",
            WebsocketScheme => "scheme",
            WebsocketOriginCheck => "origin-check",
        })
    }

    /// Whether this row is a family (one row per endpoint).
    pub fn is_family(self) -> bool {
        self.suffix().is_none()
    }

    /// The JSON id. A family row takes its member's name: `Row::Endpoint.id(Some("login"))`
    /// is `endpoints.login`.
    pub fn id(self, member: Option<&str>) -> String {
        let suffix = self.suffix().or(member).unwrap_or("unnamed");
        format!("{}.{}", self.module().name(), suffix)
    }

    /// The id as it is declared in lists and help (`endpoints.*` for the family).
    pub fn pattern(self) -> String {
        match self.suffix() {
            Some(s) => format!("{}.{}", self.module().name(), s),
            None => format!("{}.*", self.module().name()),
        }
    }

    /// The row a JSON id names, if any. A module's unknown suffix is its family member when it
    /// has a family (`endpoints.login`), otherwise nothing.
    pub fn from_id(id: &str) -> Option<Row> {
        let (module, suffix) = id.split_once('.')?;
        let module = Module::from_name(module)?;
        Row::of(module)
            .find(|r| r.suffix() == Some(suffix))
            .or_else(|| Row::of(module).find(|r| r.is_family()))
    }
}

impl RunnerRow {
    pub fn id(self, module: Module) -> String {
        match self {
            RunnerRow::Internal => format!("{}.internal", module.name()),
            RunnerRow::Deadline => format!("{}.deadline", module.name()),
        }
    }
}

/// A key that selects rows: a module (`cors`), a row (`cors.preflight`), or a family member
/// (`endpoints.login`). Profiles' `[checks]` keys and `--only`-style selections use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowSelector {
    Module(Module),
    Row(Row),
    /// One member of a family row.
    Member(Row, String),
}

impl RowSelector {
    /// Parse a selector; `None` when it names no module or row of this binary.
    pub fn parse(key: &str) -> Option<RowSelector> {
        if let Some(m) = Module::from_name(key) {
            return Some(RowSelector::Module(m));
        }
        let row = Row::from_id(key)?;
        if row.is_family() {
            let (_, member) = key.split_once('.')?;
            Some(RowSelector::Member(row, member.to_string()))
        } else {
            Some(RowSelector::Row(row))
        }
    }

    /// Whether a finding with this id (of this module) is selected.
    pub fn matches(&self, module: Module, id: &str) -> bool {
        match self {
            RowSelector::Module(m) => *m == module,
            RowSelector::Row(r) if r.is_family() => Row::from_id(id) == Some(*r),
            RowSelector::Row(r) => id == r.id(None),
            RowSelector::Member(r, name) => id == r.id(Some(name)),
        }
    }

    /// How specific the selector is: a row beats its module.
    pub fn specificity(&self) -> u8 {
        match self {
            RowSelector::Module(_) => 0,
            RowSelector::Row(_) | RowSelector::Member(..) => 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip() {
        for r in Row::ALL {
            if r.is_family() {
                assert_eq!(Row::from_id(&r.id(Some("login"))), Some(r));
                assert_eq!(r.id(Some("login")), "endpoints.login");
            } else {
                assert_eq!(Row::from_id(&r.id(None)), Some(r), "{r:?}");
            }
        }
        assert_eq!(Row::from_id("tls.nonsense"), None);
        assert_eq!(Row::from_id("nomodule.x"), None);
    }

    #[test]
    fn every_module_declares_rows_in_order() {
        for m in Module::ALL {
            assert!(Row::of(m).count() > 0, "{m}");
        }
        let mut sorted = Row::ALL;
        sorted.sort();
        assert_eq!(sorted, Row::ALL, "ALL is in declaration (checklist) order");
    }

    #[test]
    fn selectors() {
        let s = RowSelector::parse("cors").unwrap();
        assert!(s.matches(Module::Cors, "cors.preflight"));
        let s = RowSelector::parse("cors.preflight").unwrap();
        assert!(s.matches(Module::Cors, "cors.preflight"));
        assert!(!s.matches(Module::Cors, "cors.actual"));
        let s = RowSelector::parse("endpoints.login").unwrap();
        assert!(s.matches(Module::Endpoints, "endpoints.login"));
        assert!(!s.matches(Module::Endpoints, "endpoints.login2"));
        assert!(RowSelector::parse("tls.nope").is_none());
    }
}
