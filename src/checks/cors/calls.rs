//! The cross-origin calls the SPA makes, as axios makes them.

use super::decide::Call;
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

/// The calls the SPA makes: every CORS endpoint of the map plus the token refresh, with the
/// headers axios adds (`Content-Type: application/json` on bodies, `Authorization` when
/// logged in).
pub fn api_calls(t: &Target, include_credentials: bool) -> Vec<ApiCall> {
    let mut v: Vec<ApiCall> = Vec::new();
    let mut add =
        |path: &str, method: &str, auth: bool, body: Option<String>, row: Option<String>| {
            let method = method.to_ascii_uppercase();
            let url = t.url_for(path);
            if v.iter().any(|c| c.url == url && c.call.method == method) {
                return;
            }
            let mut headers = vec![(
                "Accept".to_string(),
                "application/json, text/plain, */*".to_string(),
            )];
            let sends_body = matches!(method.as_str(), "POST" | "PUT" | "PATCH");
            if sends_body {
                headers.push(("Content-Type".into(), "application/json".into()));
            }
            if auth {
                headers.push((
                    "Authorization".into(),
                    format!("{} {PROBE_TOKEN}", t.auth.scheme),
                ));
            }
            v.push(ApiCall {
                label: format!("{method} {path}"),
                path: path.to_string(),
                endpoint_row: row,
                url,
                call: Call {
                    method,
                    headers,
                    include_credentials,
                },
                body: sends_body.then(|| body.unwrap_or_else(|| "{}".into())),
                auth,
            });
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
