//! What a row is about, as data: a host, an origin, a call from an origin to a route, an
//! endpoint, a page, a WebSocket URL. Renderers place rows in the checklist matrix by it, metric
//! labels are made from it, and tests find rows by it — never by the words of a title.
//!
//! A subject is our own vocabulary: configured or discovered hosts, origins and routes. It never
//! holds a raw string a server chose (a cookie name, a header value).

use std::fmt;
use url::Url;

/// The longest label a subject yields (metric labels, matrix columns).
pub const MAX_LABEL: usize = 120;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Subject {
    /// The deployment as a whole (no one host or origin).
    #[default]
    Deployment,
    /// A host name, with the port when it is not the scheme's default.
    Host { host: String, port: Option<u16> },
    /// A frontend origin (`https://tiktrue.com`).
    Origin { origin: String },
    /// A call the frontend makes: from `origin`, `method` on the API `path` (as the app writes it).
    Call {
        origin: String,
        method: String,
        path: String,
    },
    /// An endpoint of the API's map (its name in the map, the method and the path).
    Endpoint {
        name: String,
        method: String,
        path: String,
    },
    /// A page or file at a URL (a frontend page, a bundle).
    Page { url: String },
    /// A WebSocket URL.
    WebSocket { url: String },
}

impl Subject {
    pub fn host(host: &str, port: Option<u16>) -> Subject {
        Subject::Host {
            host: host.to_ascii_lowercase(),
            port,
        }
    }

    /// The host (and its non-default port) of a URL.
    pub fn host_of(url: &Url) -> Subject {
        let default = match url.scheme() {
            "https" | "wss" => Some(443),
            "http" | "ws" => Some(80),
            _ => None,
        };
        let port = url.port_or_known_default().filter(|p| Some(*p) != default);
        Subject::host(url.host_str().unwrap_or(""), port)
    }

    pub fn origin(origin: impl fmt::Display) -> Subject {
        Subject::Origin {
            origin: origin.to_string(),
        }
    }

    pub fn call(origin: impl fmt::Display, method: &str, path: &str) -> Subject {
        Subject::Call {
            origin: origin.to_string(),
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
        }
    }

    pub fn endpoint(name: &str, method: &str, path: &str) -> Subject {
        Subject::Endpoint {
            name: name.to_string(),
            method: method.to_ascii_uppercase(),
            path: path.to_string(),
        }
    }

    pub fn page(url: &Url) -> Subject {
        Subject::Page {
            url: url.to_string(),
        }
    }

    pub fn websocket(url: &Url) -> Subject {
        Subject::WebSocket {
            url: url.to_string(),
        }
    }

    /// The name of an endpoint-family member, for its row id.
    pub fn member(&self) -> Option<&str> {
        match self {
            Subject::Endpoint { name, .. } => Some(name),
            _ => None,
        }
    }

    /// The frontend origin this row is seen from, when it has one.
    pub fn from_origin(&self) -> Option<&str> {
        match self {
            Subject::Origin { origin } | Subject::Call { origin, .. } => Some(origin),
            _ => None,
        }
    }

    /// The host name this subject is about, when it names one (for a call or an origin, the
    /// origin's host; for a page or socket, the URL's).
    pub fn host_name(&self) -> Option<String> {
        match self {
            Subject::Deployment | Subject::Endpoint { .. } => None,
            Subject::Host { host, .. } => Some(host.clone()),
            Subject::Origin { origin } | Subject::Call { origin, .. } => url_host(origin),
            Subject::Page { url } | Subject::WebSocket { url } => url_host(url),
        }
    }

    /// A short label: the metric label `item`, the evidence heading. Capped at [`MAX_LABEL`].
    pub fn label(&self) -> String {
        let s = self.to_string();
        if s.len() <= MAX_LABEL {
            return s;
        }
        let mut cut = MAX_LABEL - 1;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        format!("{}…", &s[..cut])
    }
}

fn url_host(u: &str) -> Option<String> {
    Url::parse(u).ok()?.host_str().map(str::to_ascii_lowercase)
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Deployment => f.write_str("deployment"),
            Subject::Host { host, port: None } => f.write_str(host),
            Subject::Host {
                host,
                port: Some(p),
            } => write!(f, "{host}:{p}"),
            Subject::Origin { origin } => f.write_str(origin),
            Subject::Call {
                origin,
                method,
                path,
            } => write!(f, "{method} {path} from {origin}"),
            Subject::Endpoint { method, path, .. } => write!(f, "{method} {path}"),
            Subject::Page { url } | Subject::WebSocket { url } => f.write_str(url),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_of_keeps_only_a_non_default_port() {
        let u = Url::parse("https://API.tiktrue.test/api/v1").unwrap();
        assert_eq!(
            Subject::host_of(&u),
            Subject::host("api.tiktrue.test", None)
        );
        let u = Url::parse("https://api.tiktrue.test:8443/").unwrap();
        assert_eq!(Subject::host_of(&u).to_string(), "api.tiktrue.test:8443");
    }

    #[test]
    fn labels_are_capped() {
        let long = format!("https://{}.test/", "a".repeat(500));
        let s = Subject::Page { url: long };
        assert!(s.label().len() <= MAX_LABEL + '…'.len_utf8());
    }

    #[test]
    fn host_names() {
        let c = Subject::call("https://tiktrue.test:8443", "post", "auth/login/");
        assert_eq!(c.host_name().as_deref(), Some("tiktrue.test"));
        assert_eq!(
            c.to_string(),
            "POST auth/login/ from https://tiktrue.test:8443"
        );
        assert_eq!(c.from_origin(), Some("https://tiktrue.test:8443"));
    }
}
