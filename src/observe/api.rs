//! What the API says about itself: the OpenAPI document FastAPI serves at `/openapi.json`.
//! Asked only when the frontend's code showed no call (no origin, an unreadable bundle), so a
//! zero-config run still learns the routes and the login. Parsing is pure
//! ([`discovery_of`]); [`fetch`] makes the one GET.

use super::bundle::discover::{ApiCall, Body, Client, Discovery, Encoding, Login};
use crate::net::http::{HttpClient, HttpRequest};
use serde_json::Value;
use url::Url;

/// Where the document is asked for, from the API host's root (FastAPI's default).
pub const DOC_PATH: &str = "/openapi.json";

/// The methods read from the document: conncheck never sends a DELETE/PUT/PATCH it guessed.
const METHODS: [&str; 2] = ["get", "post"];

/// At most this many routes from one document (a large API's every route is not the app's map).
const MAX_CALLS: usize = 24;

/// The API's OpenAPI document, when the host serves one as JSON.
pub async fn fetch(http: &HttpClient, api: &Url) -> Option<Value> {
    let mut url = api.clone();
    url.set_path(DOC_PATH);
    url.set_query(None);
    let req = HttpRequest::get(url)
        .header("accept", "application/json")
        .max_body(1024 * 1024);
    let ex = http.send(req).await.ok()?;
    if !ex.status.is_success() || ex.truncated {
        return None;
    }
    ex.json()
        .filter(|v| v.get("openapi").is_some() && v.get("paths").is_some())
}

/// The calls and the login an OpenAPI document describes, as the bundle scan would have found
/// them (absolute URLs on the API's host; computed paths left as `{name}`).
pub fn discovery_of(doc: &Value, api: &Url) -> Discovery {
    let mut d = Discovery::default();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return d;
    };
    for (path, ops) in paths {
        for m in METHODS.iter().filter(|m| ops.get(**m).is_some()) {
            let mut url = api.clone();
            url.set_path(path);
            url.set_query(None);
            let call = ApiCall {
                method: Some(m.to_ascii_uppercase()),
                path: path.clone(),
                url: Some(url.to_string()),
                base_expr: None,
                base_value: None,
                client: Client::Fetch,
                offset: 0,
            };
            let p = path.to_ascii_lowercase();
            let login_like =
                (p.contains("login") || p.ends_with("/token")) && !p.contains("refresh");
            if *m == "post" && login_like && d.login.is_none() {
                d.login = Some(Login {
                    call: call.clone(),
                    body: body_of(doc, &ops[*m]),
                    token_path: None,
                    refresh_path: None,
                });
            }
            if d.calls.len() < MAX_CALLS {
                d.calls.push(call);
            }
        }
    }
    d
}

/// The request body of an operation: form-encoded or JSON, and its fields (a `$ref` to
/// `components/schemas` is followed).
fn body_of(doc: &Value, op: &Value) -> Option<Body> {
    let content = op.get("requestBody")?.get("content")?.as_object()?;
    let (encoding, media) = if let Some(m) = content.get("application/x-www-form-urlencoded") {
        (Encoding::Form, m)
    } else {
        (Encoding::Json, content.get("application/json")?)
    };
    let mut schema = media.get("schema")?;
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/components/schemas/")?;
        schema = doc.get("components")?.get("schemas")?.get(name)?;
    }
    let fields: Vec<String> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    let password_grant = fields.iter().any(|f| f == "grant_type");
    Some(Body {
        encoding,
        fields,
        password_grant,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_fastapi_document_gives_its_routes_and_form_login() {
        let doc = json!({
            "openapi": "3.1.0",
            "paths": {
                "/auth/token": {"post": {"requestBody": {"content": {
                    "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/Body_login"}}
                }}}},
                "/users/me": {"get": {}},
                "/orders/{id}": {"get": {}, "delete": {}}
            },
            "components": {"schemas": {"Body_login": {"properties": {
                "grant_type": {}, "username": {}, "password": {}
            }}}}
        });
        let api = Url::parse("https://api.f.test/").unwrap();
        let d = discovery_of(&doc, &api);
        let calls: Vec<(String, String)> = d
            .calls
            .iter()
            .map(|c| (c.method.clone().unwrap(), c.path.clone()))
            .collect();
        assert!(calls.contains(&("GET".into(), "/users/me".into())));
        assert!(calls.contains(&("GET".into(), "/orders/{id}".into())));
        assert!(!calls.iter().any(|(m, _)| m == "DELETE"), "never a DELETE");
        let login = d.login.unwrap();
        assert_eq!(
            login.call.url.as_deref(),
            Some("https://api.f.test/auth/token")
        );
        let body = login.body.unwrap();
        assert_eq!(body.encoding, Encoding::Form);
        assert!(body.password_grant);
        assert!(body.fields.contains(&"username".to_string()));
    }

    #[test]
    fn a_json_login_and_a_document_without_paths() {
        let doc = json!({"openapi": "3.0.2", "paths": {"/api/login": {"post": {"requestBody":
            {"content": {"application/json": {"schema": {"properties": {"email": {}, "password": {}}}}}}}}}});
        let api = Url::parse("https://api.x.test/api/").unwrap();
        let d = discovery_of(&doc, &api);
        let body = d.login.unwrap().body.unwrap();
        assert_eq!(body.encoding, Encoding::Json);
        assert_eq!(body.fields, ["email", "password"]);
        assert_eq!(discovery_of(&json!({}), &api), Discovery::default());
    }
}
