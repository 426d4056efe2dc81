//! Which stack serves the API: the backend framework and the proxy or platform in front of it,
//! recognised from what the deployment itself answers (headers, cookie names, error-page shapes,
//! how it answers a preflight, its host name). Fixes are then worded for that stack
//! ([`fix`]): `CORS_ALLOWED_ORIGINS` for Django, `cors({ origin, credentials })` for Express…
//!
//! Pure: the observations come in as [`Sample`]s; nothing here touches the network.

pub mod fingerprint;
pub mod fix;

use std::fmt;

/// A backend framework.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Backend {
    /// Django (with Django REST framework and django-cors-headers, as commonly deployed).
    Django,
    Express,
    /// FastAPI or another Starlette app (CORSMiddleware).
    Starlette,
    /// Flask (flask-cors).
    Flask,
    Rails,
    Laravel,
    SpringBoot,
    AspNetCore,
    /// Next.js route handlers / API routes.
    NextJs,
}

/// A proxy or hosting platform in front of the backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Proxy {
    Nginx,
    Traefik,
    Caddy,
    Apache,
    Cloudflare,
    Vercel,
    Netlify,
    Heroku,
    Liara,
    Render,
    Fly,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Django => "Django",
            Backend::Express => "Express",
            Backend::Starlette => "FastAPI/Starlette",
            Backend::Flask => "Flask",
            Backend::Rails => "Rails",
            Backend::Laravel => "Laravel",
            Backend::SpringBoot => "Spring Boot",
            Backend::AspNetCore => "ASP.NET Core",
            Backend::NextJs => "Next.js",
        }
    }
}

impl Proxy {
    pub fn name(self) -> &'static str {
        match self {
            Proxy::Nginx => "nginx",
            Proxy::Traefik => "Traefik",
            Proxy::Caddy => "Caddy",
            Proxy::Apache => "Apache",
            Proxy::Cloudflare => "Cloudflare",
            Proxy::Vercel => "Vercel",
            Proxy::Netlify => "Netlify",
            Proxy::Heroku => "Heroku",
            Proxy::Liara => "Liara",
            Proxy::Render => "Render",
            Proxy::Fly => "Fly.io",
        }
    }

    /// Whether this is a hosting platform (configured in a dashboard) rather than a proxy the
    /// team configures in a file.
    pub fn is_platform(self) -> bool {
        matches!(
            self,
            Proxy::Vercel
                | Proxy::Netlify
                | Proxy::Heroku
                | Proxy::Liara
                | Proxy::Render
                | Proxy::Fly
                | Proxy::Cloudflare
        )
    }
}

/// One thing recognised, and the evidence it was recognised by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen<T> {
    pub what: T,
    /// What gave it away: "Server: nginx", "cookie csrftoken", "404 page shape".
    pub by: String,
}

/// The stack as far as it could be recognised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stack {
    pub backend: Option<Seen<Backend>>,
    /// Proxies and platforms, outermost first (Cloudflare in front of nginx).
    pub proxies: Vec<Seen<Proxy>>,
}

impl Stack {
    /// A stack known only by its backend (to word a fix in that framework's terms).
    pub fn of(backend: Backend) -> Stack {
        Stack {
            backend: Some(Seen {
                what: backend,
                by: String::new(),
            }),
            proxies: Vec::new(),
        }
    }

    pub fn backend(&self) -> Option<Backend> {
        self.backend.as_ref().map(|s| s.what)
    }

    pub fn has_proxy(&self, p: Proxy) -> bool {
        self.proxies.iter().any(|s| s.what == p)
    }

    /// The proxy the team configures in a file (nginx, Traefik, Caddy, Apache), if one was seen.
    pub fn config_proxy(&self) -> Option<Proxy> {
        self.proxies
            .iter()
            .map(|s| s.what)
            .find(|p| !p.is_platform())
    }

    /// The hosting platform, if one was seen.
    pub fn platform(&self) -> Option<Proxy> {
        self.proxies
            .iter()
            .map(|s| s.what)
            .find(|p| p.is_platform())
    }

    pub fn is_known(&self) -> bool {
        self.backend.is_some() || !self.proxies.is_empty()
    }
}

impl fmt::Display for Stack {
    /// "Django behind nginx (Server: nginx; cookie csrftoken)".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let backend = self
            .backend
            .as_ref()
            .map(|s| s.what.name())
            .unwrap_or("unknown backend");
        f.write_str(backend)?;
        if !self.proxies.is_empty() {
            let names: Vec<&str> = self.proxies.iter().map(|s| s.what.name()).collect();
            write!(f, " behind {}", names.join(" → "))?;
        }
        let by: Vec<&str> = self
            .backend
            .iter()
            .map(|s| s.by.as_str())
            .chain(self.proxies.iter().map(|s| s.by.as_str()))
            .collect();
        if !by.is_empty() {
            write!(f, " ({})", by.join("; "))?;
        }
        Ok(())
    }
}

/// One response as the fingerprint reads it.
#[derive(Debug, Clone, Default)]
pub struct Sample {
    /// What was asked: a preflight (OPTIONS with Access-Control-Request-Method) or not.
    pub preflight: bool,
    pub status: u16,
    /// Header names lower-case, values as sent.
    pub headers: Vec<(String, String)>,
    /// The start of the body (a few KB are plenty).
    pub body: String,
}

impl Sample {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The names of the cookies it sets.
    pub fn cookie_names(&self) -> Vec<String> {
        self.headers_named("set-cookie")
            .filter_map(|c| c.split('=').next())
            .map(|n| n.trim().to_string())
            .collect()
    }
}
