//! The run's plan of what to call: the endpoint map and the auth flow, learned from what the
//! frontend's code calls ([`Discovery`]) unless a profile pinned them. Pure: the target and a
//! discovery in, a [`Plan`] out. Paths are kept exactly as the app writes them (no trailing
//! slash added or dropped); routes conncheck only guesses are marked `guessed`, so a 404 there
//! is information, not a failure.

use super::bundle::discover::{
    ApiCall, Body, Client, CredentialsMode, Discovery, Encoding, TokenSend,
};
use crate::target::{AuthFlow, CsrfReplay, Endpoint, Target};
use url::Url;

/// What the run calls: the endpoint map and the login/refresh flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub endpoints: Vec<Endpoint>,
    pub auth: AuthFlow,
    /// Whether the plan came from the frontend's own calls (else the defaults or a profile).
    pub discovered: bool,
    /// Whether the app's API calls carry credentials (cookies): what its code shows when the
    /// plan is discovered, else the target's setting.
    pub credentials_include: bool,
    /// The frontend's code shows a token refresh call.
    pub refresh_called: bool,
    /// The API base path the frontend's code uses (`/api/`), when TARGET was a bare host and
    /// the default base was wrong: relative routes were moved under it.
    pub base_corrected: Option<String>,
}

/// The plan for `target` given what its frontend's code showed.
pub fn plan(target: &Target, d: &Discovery) -> Plan {
    let base_corrected = corrected_base(target, d);
    let rebased;
    let target = match &base_corrected {
        Some(base) => {
            rebased = rebase(target, base);
            &rebased
        }
        None => target,
    };
    let auth = if target.auth_pinned {
        target.auth.clone()
    } else {
        auth_flow(target, d)
    };
    let from_calls = !target.endpoints_pinned && (!d.calls.is_empty() || d.login.is_some());
    let endpoints = if from_calls {
        endpoints(target, d)
    } else {
        target.endpoints.clone()
    };
    let credentials_include = if from_calls {
        target.credentials_mode_include && d.credentials != CredentialsMode::Default
    } else {
        target.credentials_mode_include
    };
    Plan {
        endpoints,
        auth,
        discovered: from_calls,
        credentials_include,
        refresh_called: d.refresh.is_some(),
        base_corrected,
    }
}

/// The API base path the bundle uses on the API's own host, when TARGET was a bare host and
/// it differs from the default.
fn corrected_base(target: &Target, d: &Discovery) -> Option<String> {
    if !target.api_base_defaulted {
        return None;
    }
    let api = &target.api_base;
    let found = d
        .api_bases
        .iter()
        .filter_map(|b| Url::parse(b).ok())
        .find(|u| {
            u.host_str() == api.host_str()
                && u.port_or_known_default() == api.port_or_known_default()
        })?;
    let path = format!("{}/", found.path().trim_end_matches('/'));
    (path != api.path()).then_some(path)
}

/// The target with its default relative routes moved under `base` (from the host root).
fn rebase(target: &Target, base: &str) -> Target {
    let under = |p: &str| {
        if p.starts_with('/') || p.contains("://") {
            p.to_string()
        } else {
            format!("{base}{p}")
        }
    };
    let mut t = target.clone();
    for e in &mut t.endpoints {
        e.path = under(&e.path);
    }
    if !t.auth_pinned {
        t.auth.login_path = under(&t.auth.login_path);
        t.auth.refresh_path = under(&t.auth.refresh_path);
        t.auth.profile_path = under(&t.auth.profile_path);
    }
    t
}

/// Whether a call goes to the API being diagnosed: not another host (a payment provider,
/// analytics), and not a bare `fetch("/path")` (the page's own origin). An axios-style call
/// with a path only goes to the instance's `baseURL`: the API.
fn calls_the_api(target: &Target, d: &Discovery, call: &ApiCall) -> bool {
    let bare_fetch = call.client == Client::Fetch
        && call.url.is_none()
        && call.base_expr.is_none()
        && call.base_value.is_none();
    !route_of(target, d, call).contains("://") && !bare_fetch
}

/// Where a discovered call goes, as an endpoint path: the absolute URL when it is on another
/// host, the path from the host root when the code spells the URL out, else relative to the
/// API base the code's base constant names (or the target's).
pub fn route_of(target: &Target, d: &Discovery, call: &ApiCall) -> String {
    let absolute = call.url.clone().or_else(|| {
        let base = d.api_bases.iter().find(|b| b.starts_with("http"))?;
        call.base_expr.as_ref()?;
        Some(format!("{}{}", base.trim_end_matches('/'), call.path))
    });
    match absolute.and_then(|u| Url::parse(&u).ok()) {
        Some(u) if u.host_str() == target.api_base.host_str() => u.path().to_string(),
        Some(u) => u.to_string(),
        None => call.path.trim_start_matches('/').to_string(),
    }
}

/// A row name from a path: its literal segments after the API base (`auth/register` →
/// `auth-register`), never a computed part.
fn name_of(target: &Target, route: &str) -> String {
    let base = target.api_base.path();
    let rel = route.strip_prefix(base).unwrap_or(route);
    let parts: Vec<String> = rel
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{') && !s.contains(':'))
        .map(|s| {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect()
        })
        .collect();
    if parts.is_empty() {
        "root".into()
    } else {
        parts.join("-")
    }
}

/// The endpoint map from the calls the app makes: the default map's routes the app calls keep
/// their names and expectations and stop being guesses; the other calls are added after them,
/// the login named as such (the refresh is the JWT module's row); computed paths (`/orders/{id}`) are left out (no id to call
/// them with). The defaults the app does not call stay, as guesses.
fn endpoints(target: &Target, d: &Discovery) -> Vec<Endpoint> {
    let mut out = target.endpoints.clone();
    let same = |a: &str, b: &str| target.url_for(a) == target.url_for(b);
    for ep in discovered(target, d) {
        let known = out
            .iter_mut()
            .find(|e| same(&e.path, &ep.path) && e.method.eq_ignore_ascii_case(&ep.method));
        match known {
            Some(e) => e.guessed = false,
            None => {
                // A discovered route takes the name; a guess by that name gives way.
                out.retain(|e| !(e.guessed && e.name == ep.name));
                if !out.iter().any(|e| e.name == ep.name) {
                    out.push(ep);
                }
            }
        }
    }
    // The default map's app routes (TikTrue's register, license…) mean nothing for an app whose
    // own calls are known; the infrastructure guesses stay, as information.
    out.retain(|e| !e.guessed || GENERIC_GUESSES.contains(&e.name.as_str()));
    out
}

/// Guessed routes kept beside the app's own calls: what any deployment may serve.
const GENERIC_GUESSES: [&str; 2] = ["health", "admin"];

/// One endpoint per call the app makes, with expectations any healthy API meets.
fn discovered(target: &Target, d: &Discovery) -> Vec<Endpoint> {
    let bearer = matches!(d.token_sent, Some(TokenSend::Authorization { .. }));
    let login = d.login.as_ref().map(|l| route_of(target, d, &l.call));
    let refresh = d.refresh.as_ref().map(|r| route_of(target, d, &r.call));
    let mut out = Vec::new();
    // Never a method that changes data on a guess: the anonymous probe of a POST carries `{}`
    // (answered 400/401), but a DELETE or PUT could act.
    let safe = |c: &&ApiCall| matches!(c.method.as_deref(), None | Some("GET" | "HEAD" | "POST"));
    let api_calls = d
        .calls
        .iter()
        .filter(safe)
        .filter(|c| !c.path.contains('{') && calls_the_api(target, d, c));
    for call in api_calls {
        let route = route_of(target, d, call);
        let method = call.method.clone().unwrap_or_else(|| "GET".into());
        if Some(&route) == refresh.as_ref() {
            // The JWT module's refresh row calls it with a real refresh token.
            continue;
        }
        let name = if Some(&route) == login.as_ref() {
            "login".to_string()
        } else {
            name_of(target, &route)
        };
        let ep = match (name.as_str(), method.as_str()) {
            ("login", _) => Endpoint::new(&name, &method, &route, &[400, 401, 422]),
            (_, "GET" | "HEAD") => Endpoint {
                auth: bearer,
                ..Endpoint::new(&name, &method, &route, &[200, 401, 403])
            },
            _ => Endpoint::new(&name, &method, &route, &[200, 201, 204, 400, 401, 403, 422]),
        };
        out.push(ep);
    }
    out
}

/// The login/refresh flow as the app's code shows it, the target's defaults where it is silent.
fn auth_flow(target: &Target, d: &Discovery) -> AuthFlow {
    let mut a = target.auth.clone();
    if let Some(l) = &d.login {
        a.login_path = route_of(target, d, &l.call);
        if let Some(body) = &l.body {
            apply_login_body(&mut a, body);
        }
        if let Some(p) = &l.token_path {
            a.access_path = p.join(".");
        }
        if let Some(p) = &l.refresh_path {
            a.refresh_token_path = p.join(".");
        }
    }
    if let Some(r) = &d.refresh {
        a.refresh_path = route_of(target, d, &r.call);
        a.refresh_via_cookie = r.via_cookie;
        let field = r.body.as_ref().and_then(|b| b.fields.first());
        if let Some(f) = field {
            a.refresh_field = f.clone();
        }
    }
    if let Some(TokenSend::Authorization {
        scheme: Some(scheme),
    }) = &d.token_sent
    {
        a.scheme = scheme.clone();
    }
    if let Some(p) = profile_call(target, d) {
        a.profile_path = p;
    }
    a.csrf = csrf_replay(target, d, &a.login_path);
    a
}

/// The CSRF token the app's code fetches and echoes: the GET it makes for it (a call whose path
/// names csrf), else the login URL itself (a view that sets the cookie on GET).
fn csrf_replay(target: &Target, d: &Discovery, login_path: &str) -> Option<CsrfReplay> {
    let c = d.csrf.as_ref()?;
    let header = c.header.clone()?;
    let cookie = c.cookie_name()?;
    let prefetch_path = d
        .calls
        .iter()
        .find(|c| {
            c.method.as_deref().is_none_or(|m| m == "GET")
                && c.path.to_ascii_lowercase().contains("csrf")
        })
        .map(|c| route_of(target, d, c))
        .unwrap_or_else(|| login_path.to_string());
    Some(CsrfReplay {
        prefetch_path,
        cookie,
        header,
    })
}

/// Whether the plan's login is the app's own call but the code does not show its body's fields
/// (`post("/auth/login/", e)`): then the API's own metadata may name them.
pub fn login_body_unknown(target: &Target, d: &Discovery) -> bool {
    let unknown = |l: &super::bundle::discover::Login| {
        l.body
            .as_ref()
            .is_none_or(|b| b.fields.is_empty() && !b.password_grant)
    };
    !target.auth_pinned && d.login.as_ref().is_some_and(unknown)
}

/// The plan's login with the body fields the API named (a JSON body).
pub fn with_login_fields(p: &mut Plan, fields: &[String]) {
    let body = Body {
        encoding: Encoding::Json,
        fields: fields.to_vec(),
        password_grant: false,
    };
    apply_login_body(&mut p.auth, &body);
}

/// The field names and encoding of the login body.
fn apply_login_body(a: &mut AuthFlow, body: &Body) {
    let is_pass = |f: &str| f.to_ascii_lowercase().contains("pass");
    let fields: Vec<&String> = body
        .fields
        .iter()
        .filter(|f| !f.contains('.') && f.as_str() != "grant_type")
        .collect();
    if let Some(p) = fields.iter().find(|f| is_pass(f)) {
        a.password_field = (*p).clone();
    }
    if let Some(u) = fields.iter().find(|f| !is_pass(f)) {
        a.username_field = (*u).clone();
    }
    a.form = body.encoding == Encoding::Form || body.password_grant;
}

/// The authenticated GET the app makes first (its "who am I"): a `me`/`profile`/`user` route,
/// else none.
fn profile_call(target: &Target, d: &Discovery) -> Option<String> {
    d.calls
        .iter()
        .filter(|c| c.method.as_deref().unwrap_or("GET") == "GET" && !c.path.contains('{'))
        .find(|c| {
            let p = c.path.to_ascii_lowercase();
            p.split('/')
                .any(|s| matches!(s, "me" | "profile" | "user" | "whoami" | "account"))
        })
        .map(|c| route_of(target, d, c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::bundle::discover;

    fn target(url: &str) -> Target {
        let mut t = Target::new(url, None).unwrap();
        t.finish();
        t
    }

    #[test]
    fn an_express_bundle_gives_its_calls_exact_paths_and_email_login() {
        let js = br#"var n="https://api.x.test/api",t=null,o=()=>t?{Authorization:`Bearer ${t}`}:{};async function r(e,a){({accessToken:t}=await(await fetch(`${n}/auth/login`,{method:"POST",headers:{"Content-Type":"application/json"},body:JSON.stringify({email:e,password:a})})).json())}var s=()=>fetch(`${n}/me`,{headers:o()}).then(e=>e.json()),c=()=>fetch(`${n}/orders/${t}`,{headers:o()});"#;
        let t = target("https://api.x.test/api");
        let p = plan(&t, &discover(js));
        let eps: Vec<(&str, &str, &str, bool)> = p
            .endpoints
            .iter()
            .map(|e| {
                (
                    e.name.as_str(),
                    e.method.as_str(),
                    e.path.as_str(),
                    e.guessed,
                )
            })
            .collect();
        let called: Vec<_> = eps.iter().filter(|e| !e.3).collect();
        assert_eq!(
            called,
            [
                &("login", "POST", "/api/auth/login", false),
                &("me", "GET", "/api/me", false)
            ]
        );
        // TikTrue's app routes go; the infrastructure guesses stay, as information.
        assert!(!eps.iter().any(|e| e.0 == "register"));
        assert!(eps.iter().any(|e| e.0 == "health" && e.3));
        assert_eq!(eps.iter().filter(|e| e.0 == "login").count(), 1);
        assert!(p.endpoints.iter().any(|e| e.name == "me" && e.auth));
        assert_eq!(p.auth.login_path, "/api/auth/login");
        assert_eq!(p.auth.username_field, "email");
        assert_eq!(p.auth.profile_path, "/api/me");
        assert!(!p.auth.form);
        // A Bearer-only SPA sends no cookies.
        assert!(!p.credentials_include);
    }

    #[test]
    fn only_the_api_hosts_routes_enter_the_map() {
        let js = br#"const n="https://api.x.test/api";fetch(`${n}/orders`);fetch("https://pay.other.test/v1/charges",{method:"POST"});fetch("/config.json");"#;
        let t = target("https://api.x.test/api");
        let p = plan(&t, &discover(js));
        let called: Vec<&str> = p
            .endpoints
            .iter()
            .filter(|e| !e.guessed)
            .map(|e| e.path.as_str())
            .collect();
        assert_eq!(called, ["/api/orders"]);
    }

    #[test]
    fn a_call_that_changes_data_is_never_probed() {
        let js = br#"const n="https://api.x.test/api";i.delete(`${n}/cart`);i.put(`${n}/me`,{a:1});fetch(`${n}/cart`);"#;
        let t = target("https://api.x.test/api");
        let p = plan(&t, &discover(js));
        assert!(p
            .endpoints
            .iter()
            .all(|e| matches!(e.method.as_str(), "GET" | "POST")));
    }

    #[test]
    fn a_form_login_and_a_pinned_profile() {
        let js = br#"const A="https://api.f.test";let k="";async function s(u,p){const b=new URLSearchParams({username:u,password:p});const j=await(await fetch(`${A}/auth/token`,{method:"POST",body:b})).json();k=j.access_token}"#;
        let t = target("https://api.f.test/");
        let p = plan(&t, &discover(js));
        assert_eq!(p.auth.login_path, "/auth/token");
        assert!(p.auth.form);
        assert_eq!(p.auth.access_path, "access_token");
        let mut pinned = t.clone();
        pinned.endpoints_pinned = true;
        pinned.auth_pinned = true;
        let p = plan(&pinned, &discover(js));
        assert_eq!(p.endpoints, t.endpoints);
        assert_eq!(p.auth, t.auth);
        assert_eq!(p.base_corrected, None, "a URL is taken as given");
        // Nothing discovered: the defaults, guessed.
        let p = plan(&t, &Discovery::default());
        assert!(!p.discovered && p.endpoints.iter().all(|e| e.guessed));
    }

    #[test]
    fn a_bare_host_takes_the_base_the_bundle_uses_and_says_so() {
        let js = br#"const a="https://api.x.test/api";i().defaults.baseURL=a;"#;
        let t = target("api.x.test");
        let p = plan(&t, &discover(js));
        assert_eq!(p.base_corrected.as_deref(), Some("/api/"));
        assert_eq!(p.auth.login_path, "/api/auth/login/");
        let register = p.endpoints.iter().find(|e| e.name == "register").unwrap();
        assert_eq!(register.path, "/api/auth/register/");
        // The same base, or another host's: nothing to correct.
        let same = br#"const a="https://api.x.test/api/v1";"#;
        assert_eq!(plan(&t, &discover(same)).base_corrected, None);
        let other = br#"const a="https://cdn.x.test/api";"#;
        assert_eq!(plan(&t, &discover(other)).base_corrected, None);
    }

    #[test]
    fn a_login_of_unknown_body_takes_the_fields_the_api_names() {
        let t = target("https://api.x.test/api/v1/");
        let unknown = br#"const a="https://api.x.test/api/v1";function l(e){return i.post(`${a}/auth/login/`,e)}"#;
        let d = discover(unknown);
        assert!(login_body_unknown(&t, &d));
        let mut p = plan(&t, &d);
        with_login_fields(&mut p, &["email".to_string(), "password".to_string()]);
        assert_eq!(p.auth.username_field, "email");
        assert_eq!(p.auth.password_field, "password");
        assert!(!p.auth.form);
        // A body the code shows, no login at all, or a pinned login: nothing to ask.
        let shown = br#"i.post("/auth/login/",{email:e,password:t})"#;
        assert!(!login_body_unknown(&t, &discover(shown)));
        assert!(!login_body_unknown(&t, &Discovery::default()));
        let mut pinned = t.clone();
        pinned.auth_pinned = true;
        assert!(!login_body_unknown(&pinned, &d));
    }
}
