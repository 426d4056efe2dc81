//! Typed faults: what went wrong on a row, carrying what was seen.
//!
//! Each check module declares its own fault enum (in its `judge.rs`) and implements
//! [`FaultKind`] for it; the engine declares the faults that belong to no one module: a network
//! step that failed, the deadline, conncheck's own crash, a row that could not be checked for
//! lack of input. A [`Finding`](super::model::Finding) carries one [`Fault`] when it is not a
//! pass. Everything downstream works on it, never on the row's words: the report groups rows into
//! root causes by [`Fault::cause`], `explain` matches causes by type (downcast) and key, and the
//! metrics label rows by id and subject.

use crate::net::http::{CertProblem, NetError};
use std::any::Any;
use std::fmt;
use std::sync::Arc;

use super::row::Row;

/// A kind of fault. Implemented by each module's fault enum.
pub trait FaultKind: fmt::Debug + Send + Sync + Any {
    /// A stable dotted key for this kind of fault, e.g. `cors.allow-origin-duplicated`. Root
    /// causes are grouped by it (with [`FaultKind::scope`]); `explain` and the docs name it.
    fn key(&self) -> &'static str;

    /// What tells two faults with one key apart as separate root causes: the host whose
    /// certificate expired, the value a header wrongly carries. Empty when one key is one cause.
    fn scope(&self) -> String {
        String::new()
    }

    /// Whether this fault is a consequence of another row's cause rather than a cause of its own
    /// (a row skipped because the name does not resolve). Dependent faults fold into the cause.
    fn depends_on(&self) -> Option<Row> {
        None
    }

    /// The cause in a few words, as the report's cause list and verdict name it ("the
    /// Access-Control-Allow-Origin header is sent twice"). Modules word it in their `words.rs`;
    /// `None` lets the report fall back to the row's title.
    fn headline(&self) -> Option<String> {
        None
    }
}

/// A fault as findings carry it: shared, cheap to clone, comparable by key and scope.
#[derive(Clone)]
pub struct Fault(Arc<dyn FaultKind>);

/// The identity of a root cause: faults with equal keys and scopes are one cause.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CauseKey {
    pub key: &'static str,
    pub scope: String,
}

impl Fault {
    pub fn new(kind: impl FaultKind) -> Fault {
        Fault(Arc::new(kind))
    }

    pub fn key(&self) -> &'static str {
        self.0.key()
    }

    pub fn scope(&self) -> String {
        self.0.scope()
    }

    pub fn cause(&self) -> CauseKey {
        CauseKey {
            key: self.key(),
            scope: self.scope(),
        }
    }

    pub fn depends_on(&self) -> Option<Row> {
        self.0.depends_on()
    }

    pub fn headline(&self) -> Option<String> {
        self.0.headline()
    }

    /// The module's own fault type, when this is one: `f.get::<CorsFault>()`.
    pub fn get<T: FaultKind>(&self) -> Option<&T> {
        let any: &dyn Any = &*self.0;
        any.downcast_ref::<T>()
    }

    /// Whether this is the given kind of fault.
    pub fn is<T: FaultKind>(&self) -> bool {
        self.get::<T>().is_some()
    }
}

impl fmt::Debug for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl PartialEq for Fault {
    fn eq(&self, other: &Fault) -> bool {
        self.cause() == other.cause()
    }
}

impl Eq for Fault {}

/// Which step of reaching a server failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Phase {
    Dns,
    Connect,
    Tls,
    Http,
}

/// A network step that failed, on `host`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetFault {
    pub host: String,
    pub error: NetError,
}

impl NetFault {
    pub fn new(host: impl Into<String>, error: NetError) -> NetFault {
        NetFault {
            host: host.into(),
            error,
        }
    }

    pub fn phase(&self) -> Phase {
        phase(&self.error)
    }

    /// The row that owns this failure's root cause, when it is not the HTTP exchange itself.
    pub fn owner(&self) -> Option<Row> {
        owning_row(&self.error)
    }
}

/// The phase of a network error.
pub fn phase(e: &NetError) -> Phase {
    match e {
        NetError::Dns(_) => Phase::Dns,
        NetError::ConnectRefused(_) | NetError::ConnectTimeout(_) => Phase::Connect,
        NetError::TlsCert { .. } | NetError::TlsProtocol(_) => Phase::Tls,
        _ => Phase::Http,
    }
}

/// The row whose check owns a network error's root cause: a name that does not resolve is
/// `dns.resolve`'s, a refused connection `dns.reach`'s, a rejected certificate the TLS row for
/// that problem. HTTP-phase failures belong to the row that made the request.
pub fn owning_row(e: &NetError) -> Option<Row> {
    Some(match e {
        NetError::Dns(_) => Row::DnsResolve,
        NetError::ConnectRefused(_) | NetError::ConnectTimeout(_) => Row::DnsReach,
        NetError::TlsCert { kind, .. } => match kind {
            CertProblem::UntrustedIssuer | CertProblem::Other => Row::TlsChain,
            CertProblem::WrongHost => Row::TlsHostname,
            CertProblem::Expired | CertProblem::NotYetValid => Row::TlsExpiry,
        },
        NetError::TlsProtocol(_) => Row::TlsHandshake,
        _ => return None,
    })
}

impl FaultKind for NetFault {
    fn key(&self) -> &'static str {
        match &self.error {
            NetError::Dns(_) => "net.dns",
            NetError::ConnectRefused(_) => "net.connect-refused",
            NetError::ConnectTimeout(_) => "net.connect-timeout",
            NetError::TlsCert { .. } => "net.tls-certificate",
            NetError::TlsProtocol(_) => "net.tls-protocol",
            NetError::Reset(_) => "net.reset",
            NetError::EmptyResponse(_) => "net.empty-response",
            NetError::Protocol(_) => "net.not-http",
            NetError::Timeout(_) => "net.timeout",
            NetError::TooManyRedirects(_) => "net.too-many-redirects",
            NetError::Other(_) => "net.other",
        }
    }

    fn scope(&self) -> String {
        self.host.clone()
    }

    fn headline(&self) -> Option<String> {
        Some(super::words::net_headline(&self.host, &self.error))
    }
}

/// A row skipped because another row's check owns the root cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependent {
    pub owner: Row,
    pub net: NetFault,
}

impl FaultKind for Dependent {
    fn key(&self) -> &'static str {
        self.net.key()
    }
    fn scope(&self) -> String {
        self.net.scope()
    }
    fn depends_on(&self) -> Option<Row> {
        Some(self.owner)
    }
}

/// Faults of the run itself rather than of the deployment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunFault {
    /// The run's deadline passed before the row was decided.
    Deadline { secs: u64 },
    /// The module crashed (a bug in conncheck).
    Internal,
}

impl FaultKind for RunFault {
    fn key(&self) -> &'static str {
        match self {
            RunFault::Deadline { .. } => "run.deadline",
            RunFault::Internal => "run.internal",
        }
    }

    fn headline(&self) -> Option<String> {
        Some(match self {
            RunFault::Deadline { secs } => super::words::deadline_headline(*secs),
            RunFault::Internal => super::words::internal_headline(),
        })
    }
}

pub use super::input::Missing;

/// A row that could not be checked for lack of input. The run is then incomplete, never green.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unchecked(pub Missing);

impl FaultKind for Unchecked {
    fn key(&self) -> &'static str {
        match self.0 {
            Missing::Origin => "input.origin",
            Missing::Credentials => "input.credentials",
            Missing::Token => "input.token",
        }
    }

    fn headline(&self) -> Option<String> {
        Some(super::words::missing_headline(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_compare_by_cause_and_downcast() {
        let a = Fault::new(NetFault::new(
            "api.x.test",
            NetError::Timeout(Default::default()),
        ));
        let b = Fault::new(NetFault::new(
            "api.x.test",
            NetError::Timeout(Default::default()),
        ));
        let c = Fault::new(NetFault::new(
            "www.x.test",
            NetError::Timeout(Default::default()),
        ));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.key(), "net.timeout");
        assert!(a.get::<NetFault>().is_some());
        assert!(a.get::<RunFault>().is_none());
    }

    #[test]
    fn phases_map_to_owning_rows() {
        let refused = NetError::ConnectRefused("127.0.0.1:1".into());
        assert_eq!(phase(&refused), Phase::Connect);
        assert_eq!(owning_row(&refused), Some(Row::DnsReach));
        assert_eq!(owning_row(&NetError::Timeout(Default::default())), None);
    }
}
