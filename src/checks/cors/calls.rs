//! The cross-origin calls the SPA makes, as axios makes them.

use super::decide::{is_safelisted_method, Call};
use super::redirect::Leg;
use crate::target::Target;
use url::Url;

/// A stand-in bearer token: the API must answer 401 to it, with CORS headers.
pub const PROBE_TOKEN: &str = "conncheck.cors.probe";
/// django-cors-headers' origins when CORS_ALLOWED_ORIGINS comes from an unset variable in
/// TikTrue-style settings (`os.environ.get('CORS_ALLOWED_ORIGINS', 'http://localhost:3000,…')`).
pub const LOCALHOST_DEFAULT: &str = "http://localhost:3000";

/// One cross-origin call the SPA makes.
#[derive(Debug, Clone)]
pub struct ApiCall {
    /// "POST auth/login/"
    pub label: String,
    /// The route as the app writes it ("auth/login/").
    pub path: String,
    /// The endpoints row that reports this route's own status.
    pub endpoint_row: Option<String>,
    pub url: Url,
    pub call: Call,
    pub body: Option<String>,
    pub auth: bool,
    /// Only its preflight is sent: a state-changing call the bundle makes (PUT, PATCH,
    /// DELETE), which conncheck never sends for real.
    pub preflight_only: bool,
}

impl ApiCall {
    /// The request as it leaves the page, before any redirect.
    pub fn first_leg(&self) -> Leg {
        Leg {
            url: self.url.clone(),
            method: self.call.method.clone(),
            headers: self.call.headers.clone(),
            body: self.body.clone(),
            tainted: false,
        }
    }
}

/// One call as axios makes it (`Content-Type: application/json` on bodies, `Authorization`
/// when logged in).
struct CallSpec<'a> {
    path: &'a str,
    method: &'a str,
    auth: bool,
    body: Option<String>,
    row: Option<String>,
    preflight_only: bool,
}

fn make_call(t: &Target, include_credentials: bool, s: CallSpec) -> ApiCall {
    let method = s.method.to_ascii_uppercase();
    let mut headers = vec![(
        "Accept".to_string(),
        "application/json, text/plain, */*".to_string(),
    )];
    let sends_body = matches!(method.as_str(), "POST" | "PUT" | "PATCH");
    if sends_body {
        headers.push(("Content-Type".into(), "application/json".into()));
    }
    if s.auth {
        headers.push((
            "Authorization".into(),
            format!("{} {PROBE_TOKEN}", t.auth.scheme),
        ));
    }
    ApiCall {
        label: format!("{method} {}", s.path),
        path: s.path.to_string(),
        endpoint_row: s.row,
        url: t.url_for(s.path),
        call: Call {
            method,
            headers,
            include_credentials,
        },
        body: sends_body.then(|| s.body.unwrap_or_else(|| "{}".into())),
        auth: s.auth,
        preflight_only: s.preflight_only,
    }
}

/// The calls the SPA makes: every CORS endpoint of the map plus the token refresh, with the
/// headers axios adds (`Content-Type: application/json` on bodies, `Authorization` when
/// logged in).
pub fn api_calls(t: &Target, include_credentials: bool) -> Vec<ApiCall> {
    let mut v: Vec<ApiCall> = Vec::new();
    let mut add =
        |path: &str, method: &str, auth: bool, body: Option<String>, row: Option<String>| {
            let c = make_call(
                t,
                include_credentials,
                CallSpec {
                    path,
                    method,
                    auth,
                    body,
                    row,
                    preflight_only: false,
                },
            );
            if !v
                .iter()
                .any(|x| x.url == c.url && x.call.method == c.call.method)
            {
                v.push(c);
            }
        };
    for e in t.endpoints.iter().filter(|e| e.cors) {
        add(
            &e.path,
            &e.method,
            e.auth,
            e.body.clone(),
            Some(format!("endpoints.{}", e.name)),
        );
    }
    add(&t.auth.refresh_path, "POST", false, None, None);
    v
}

/// A route the bundle calls, as a path relative to the API base with its computed parts filled
/// in (`/orders/{id}` → `orders/1`).
pub fn discovered_path(t: &Target, path: &str) -> String {
    let base = t.api_base.path().trim_end_matches('/');
    let p = path.strip_prefix(base).unwrap_or(path);
    let filled: Vec<String> = p
        .trim_start_matches('/')
        .split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                "1".to_string()
            } else {
                seg.to_string()
            }
        })
        .collect();
    filled.join("/")
}

/// One preflight-only call for each method the bundle uses that needs a preflight and no call
/// of `calls` covers yet (the first route it is used on), authenticated as the app's calls are.
pub fn method_calls(
    t: &Target,
    include_credentials: bool,
    found: &[(String, String)],
    calls: &[ApiCall],
) -> Vec<ApiCall> {
    let mut out: Vec<ApiCall> = Vec::new();
    for (method, path) in found {
        let m = method.to_ascii_uppercase();
        let covered = |c: &ApiCall| c.call.method == m;
        if is_safelisted_method(&m) || calls.iter().any(covered) || out.iter().any(covered) {
            continue;
        }
        let path = discovered_path(t, path);
        out.push(make_call(
            t,
            include_credentials,
            CallSpec {
                path: &path,
                method: &m,
                auth: true,
                body: None,
                row: None,
                preflight_only: true,
            },
        ));
    }
    out
}

/// The call the security probes imitate: an authenticated one that needs a preflight.
pub fn probe_call(calls: &[ApiCall]) -> Option<&ApiCall> {
    calls
        .iter()
        .find(|c| c.auth && c.call.needs_preflight())
        .or_else(|| calls.iter().find(|c| c.call.needs_preflight()))
        .or_else(|| calls.first())
}

/// The request Chrome blocks and names (Mixed Content) when the bundle's API base is insecure:
/// not the base itself but the SPA's first cross-origin call on it (the endpoint map's first CORS route,
/// `…/api/v1/auth/login/`). A URL that is not the API base is named as found.
pub fn blocked_request(found: &str, t: &Target) -> String {
    let Ok(u) = Url::parse(found) else {
        return found.to_string();
    };
    let is_base = u.path().trim_end_matches('/') == t.api_base.path().trim_end_matches('/');
    let first = t
        .endpoints
        .iter()
        .find(|e| e.cors && !e.path.starts_with('/') && !e.path.contains("://"));
    match (is_base, first) {
        (true, Some(e)) => {
            let mut base = u.clone();
            base.set_path(&format!("{}/", u.path().trim_end_matches('/')));
            base.join(&e.path)
                .map(|x| x.to_string())
                .unwrap_or_else(|_| found.to_string())
        }
        _ => found.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_follow_axios() {
        let t = Target::new("api.tiktrue.com", None).unwrap();
        let calls = api_calls(&t, t.credentials_mode_include);
        let login = calls
            .iter()
            .find(|c| c.label == "POST auth/login/")
            .unwrap();
        assert_eq!(
            login.call.request_headers_value().as_deref(),
            Some("content-type")
        );
        let profile = calls
            .iter()
            .find(|c| c.label == "GET auth/profile/")
            .unwrap();
        assert_eq!(
            profile.call.request_headers_value().as_deref(),
            Some("authorization")
        );
        assert!(calls.iter().any(|c| c.label == "POST auth/refresh/"));
        assert!(!calls
            .iter()
            .any(|c| c.label.contains("health") || c.label.contains("admin")));
        assert!(calls.iter().all(|c| c.call.include_credentials));
        assert_eq!(
            blocked_request("http://api.tiktrue.com/api/v1", &t),
            "http://api.tiktrue.com/api/v1/auth/login/"
        );
        assert_eq!(
            blocked_request("http://api.tiktrue.com/api/v1/", &t),
            "http://api.tiktrue.com/api/v1/auth/login/"
        );
        assert_eq!(
            blocked_request("http://cdn.tiktrue.com/x.js", &t),
            "http://cdn.tiktrue.com/x.js"
        );
    }
}
