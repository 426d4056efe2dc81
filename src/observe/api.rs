//! What the API says about itself, asked only where the frontend's code is silent:
//! - its schema document — FastAPI's `/openapi.json`, drf-spectacular's `/api/schema/` (asked
//!   for as JSON: `?format=json` and its `application/vnd.oai.openapi+json` type; YAML is its
//!   default), a Swagger 2.0 `/swagger.json`, springdoc's `/v3/api-docs`, and `openapi.json` /
//!   `schema/` under the API base — asked for concurrently when the frontend showed no call;
//!   the first usable document gives the routes and the login;
//! - DRF's OPTIONS metadata for the login (`{"actions": {"POST": {"email": {…}, …}}}`) when the
//!   login's path is known but not its body: one OPTIONS, never an extra login attempt.
//!
//! Parsing is pure ([`discovery_of`], [`drf_fields`]); [`fetch`] and [`login_fields`] make the
//! requests, bounded in size and with the client's timeouts.

use super::bundle::discover::{ApiCall, Body, Client, Discovery, Encoding, Login};
use crate::net::http::{HttpClient, HttpRequest};
use crate::target::Target;
use futures::stream::{FuturesUnordered, StreamExt};
use http::Method;
use serde_json::Value;
use std::sync::Arc;
use url::Url;

/// Where schema documents are served from the API host's root (FastAPI, drf-spectacular,
/// Swagger 2.0 generators, springdoc).
pub const ROOT_DOCS: [&str; 4] = [
    "/openapi.json",
    "/api/schema/?format=json",
    "/swagger.json",
    "/v3/api-docs",
];

/// Where they are served under the API base (a sub-application's own document).
const BASE_DOCS: [&str; 2] = ["openapi.json", "schema/?format=json"];

/// A schema document's size cap.
const MAX_DOC: usize = 1024 * 1024;

/// The methods read from the document: conncheck never sends a DELETE/PUT/PATCH it guessed.
const METHODS: [&str; 2] = ["get", "post"];

/// At most this many routes from one document (a large API's every route is not the app's map).
const MAX_CALLS: usize = 24;

/// The discovery, completed from the API's schema document when the frontend's code showed no
/// call (what the code did show — its bases, token and credentials — is kept).
pub async fn learn(http: &HttpClient, target: &Target, d: Arc<Discovery>) -> Arc<Discovery> {
    if !d.calls.is_empty() || d.login.is_some() || target.endpoints_pinned {
        return d;
    }
    match fetch(http, &target.api_base).await {
        Some(doc) => Arc::new(Discovery {
            api_bases: d.api_bases.clone(),
            token_sent: d.token_sent.clone(),
            credentials: d.credentials,
            ..discovery_of(&doc, &target.api_base)
        }),
        None => d,
    }
}

/// The URLs a schema document is asked for at, first the host root's, then the API base's.
pub fn doc_urls(api: &Url) -> Vec<Url> {
    let mut root = api.clone();
    root.set_path("/");
    root.set_query(None);
    let mut base = api.clone();
    base.set_query(None);
    if !base.path().ends_with('/') {
        base.set_path(&format!("{}/", base.path()));
    }
    let mut out: Vec<Url> = Vec::new();
    let under_base = BASE_DOCS.iter().filter_map(|p| base.join(p).ok());
    for u in ROOT_DOCS
        .iter()
        .filter_map(|p| root.join(p).ok())
        .chain(under_base)
    {
        if !out.contains(&u) {
            out.push(u);
        }
    }
    out
}

/// The API's schema document: every place asked at once, the first usable answer kept (the
/// others are dropped unfinished).
pub async fn fetch(http: &HttpClient, api: &Url) -> Option<Value> {
    let mut asks: FuturesUnordered<_> = doc_urls(api)
        .into_iter()
        .map(|u| fetch_one(http, u))
        .collect();
    while let Some(found) = asks.next().await {
        if found.is_some() {
            return found;
        }
    }
    None
}

async fn fetch_one(http: &HttpClient, url: Url) -> Option<Value> {
    let req = HttpRequest::get(url)
        .header(
            "accept",
            "application/vnd.oai.openapi+json, application/json;q=0.9",
        )
        .max_body(MAX_DOC);
    let ex = http.send(req).await.ok()?;
    if !ex.status.is_success() || ex.truncated {
        return None;
    }
    ex.json().filter(usable)
}

/// An OpenAPI 3 or Swagger 2.0 document with paths.
pub fn usable(v: &Value) -> bool {
    let version = v.get("openapi").or_else(|| v.get("swagger"));
    version.is_some_and(Value::is_string) && v.get("paths").is_some_and(Value::is_object)
}

/// The calls and the login an OpenAPI document describes, as the bundle scan would have found
/// them (absolute URLs on the API's host; computed paths left as `{name}`).
pub fn discovery_of(doc: &Value, api: &Url) -> Discovery {
    let mut d = Discovery::default();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return d;
    };
    let prefix = path_prefix(doc, api);
    for (path, ops) in paths {
        let path = &format!("{prefix}{path}");
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

/// What the document's paths are under: Swagger 2.0's `basePath`, or the path of OpenAPI 3's
/// first server when it is relative or on the API's host (`/api/v1`); empty for the root.
fn path_prefix(doc: &Value, api: &Url) -> String {
    let raw = match doc.get("basePath").and_then(Value::as_str) {
        Some(b) => b.to_string(),
        None => {
            let server = doc
                .get("servers")
                .and_then(|s| s.get(0))
                .and_then(|s| s.get("url"))
                .and_then(Value::as_str)
                .unwrap_or("");
            match Url::parse(server) {
                Ok(u) if u.host_str() == api.host_str() => u.path().to_string(),
                Ok(_) => String::new(),
                Err(_) if server.starts_with('/') => server.to_string(),
                Err(_) => String::new(),
            }
        }
    };
    raw.trim_end_matches('/').to_string()
}

/// A `$ref` followed: `#/components/schemas/X` (OpenAPI 3) or `#/definitions/X` (Swagger 2.0).
fn deref<'a>(doc: &'a Value, schema: &'a Value) -> Option<&'a Value> {
    let Some(r) = schema.get("$ref").and_then(Value::as_str) else {
        return Some(schema);
    };
    let mut v = doc;
    for part in r.strip_prefix("#/")?.split('/') {
        v = v.get(part)?;
    }
    Some(v)
}

/// The request body of an operation: form-encoded or JSON, and its fields; OpenAPI 3's
/// `requestBody`, or Swagger 2.0's `in: body` / `in: formData` parameters.
fn body_of(doc: &Value, op: &Value) -> Option<Body> {
    if op.get("requestBody").is_none() {
        return swagger2_body(doc, op);
    }
    let content = op.get("requestBody")?.get("content")?.as_object()?;
    // JSON when the operation takes it (DRF lists JSON, form and multipart alike), else a form
    // (FastAPI's OAuth2 password form takes only that).
    let (encoding, media) = if let Some(m) = content.get("application/json") {
        (Encoding::Json, m)
    } else {
        (
            Encoding::Form,
            content.get("application/x-www-form-urlencoded")?,
        )
    };
    let schema = deref(doc, media.get("schema")?)?;
    Some(body_with(encoding, properties(schema)))
}

/// A request schema's fields, the read-only ones (what the answer carries) left out.
fn properties(schema: &Value) -> Vec<String> {
    let read_only = |v: &Value| v.get("readOnly").and_then(Value::as_bool) == Some(true);
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| {
            p.iter()
                .filter(|(_, v)| !read_only(v))
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default()
}

fn body_with(encoding: Encoding, fields: Vec<String>) -> Body {
    let password_grant = fields.iter().any(|f| f == "grant_type");
    Body {
        encoding,
        fields,
        password_grant,
    }
}

/// Swagger 2.0: the `in: body` parameter's schema (JSON), else the `in: formData` parameters.
fn swagger2_body(doc: &Value, op: &Value) -> Option<Body> {
    let params = op.get("parameters")?.as_array()?;
    let place = |p: &Value| p.get("in").and_then(Value::as_str).map(str::to_string);
    if let Some(b) = params.iter().find(|p| place(p).as_deref() == Some("body")) {
        let schema = deref(doc, b.get("schema")?)?;
        return Some(body_with(Encoding::Json, properties(schema)));
    }
    let form: Vec<String> = params
        .iter()
        .filter(|p| place(p).as_deref() == Some("formData"))
        .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_string))
        .collect();
    (!form.is_empty()).then(|| body_with(Encoding::Form, form))
}

/// The login's body fields from DRF's OPTIONS metadata
/// (`{"name": …, "actions": {"POST": {"email": {"type": "email", "required": true, …}, …}}}`):
/// the required ones, else every writable one; read-only fields (the tokens it answers with)
/// left out.
pub fn drf_fields(v: &Value) -> Option<Vec<String>> {
    let post = v.get("actions")?.get("POST")?.as_object()?;
    let flag = |f: &Value, k: &str| f.get(k).and_then(Value::as_bool) == Some(true);
    let writable: Vec<(&String, &Value)> =
        post.iter().filter(|(_, f)| !flag(f, "read_only")).collect();
    // The required ones when DRF says which (an optional `remember_me` is not the user field).
    let required: Vec<String> = writable
        .iter()
        .filter(|(_, f)| flag(f, "required"))
        .map(|(k, _)| (*k).clone())
        .collect();
    let fields = if required.is_empty() {
        writable.iter().map(|(k, _)| (*k).clone()).collect()
    } else {
        required
    };
    Some(fields).filter(|f: &Vec<String>| !f.is_empty())
}

/// One OPTIONS request to the login URL, without an Origin (a CORS middleware would answer it
/// as a preflight): the fields DRF's metadata names, when it answers with them.
pub async fn login_fields(http: &HttpClient, login: Url) -> Option<Vec<String>> {
    let req = HttpRequest::new(Method::OPTIONS, login).header("accept", "application/json");
    let ex = http.send(req).await.ok()?;
    if !ex.status.is_success() || ex.truncated {
        return None;
    }
    drf_fields(&ex.json()?)
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

    #[test]
    fn swagger2_body_and_form_parameters_under_its_base_path() {
        let doc = json!({
            "swagger": "2.0",
            "basePath": "/api/v1",
            "paths": {
                "/auth/login/": {"post": {"parameters": [
                    {"in": "body", "name": "data", "schema": {"$ref": "#/definitions/Login"}}
                ]}},
                "/oauth/token": {"post": {"parameters": [
                    {"in": "formData", "name": "grant_type"},
                    {"in": "formData", "name": "username"},
                    {"in": "formData", "name": "password"}
                ]}},
                "/projects/": {"get": {}}
            },
            "definitions": {"Login": {"properties": {"email": {}, "password": {}, "token": {"readOnly": true}}}}
        });
        let api = Url::parse("https://api.s.test/api/v1/").unwrap();
        let d = discovery_of(&doc, &api);
        let login = d.login.unwrap();
        assert_eq!(
            login.call.path, "/api/v1/auth/login/",
            "under basePath, exact"
        );
        let body = login.body.unwrap();
        assert_eq!(
            (body.encoding, body.fields),
            (
                Encoding::Json,
                vec!["email".to_string(), "password".to_string()]
            )
        );
        assert!(d.calls.iter().any(|c| c.path == "/api/v1/projects/"));
        let form = swagger2_body(&doc, &doc["paths"]["/oauth/token"]["post"]).unwrap();
        assert_eq!(form.encoding, Encoding::Form);
        assert!(form.password_grant);
    }

    #[test]
    fn springdoc_servers_and_a_relative_server_prefix_the_paths() {
        let api = Url::parse("https://api.s.test/").unwrap();
        let on_host = json!({"openapi": "3.0.1", "servers": [{"url": "https://api.s.test/svc"}], "paths": {"/me": {"get": {}}}});
        assert_eq!(discovery_of(&on_host, &api).calls[0].path, "/svc/me");
        let relative = json!({"openapi": "3.1.0", "servers": [{"url": "/api/"}], "paths": {"/me": {"get": {}}}});
        assert_eq!(discovery_of(&relative, &api).calls[0].path, "/api/me");
        let elsewhere = json!({"openapi": "3.1.0", "servers": [{"url": "http://localhost:8080"}], "paths": {"/me": {"get": {}}}});
        assert_eq!(discovery_of(&elsewhere, &api).calls[0].path, "/me");
    }

    #[test]
    fn documents_are_asked_for_at_the_root_and_under_the_base() {
        let api = Url::parse("https://api.s.test/api/v1").unwrap();
        let urls: Vec<String> = doc_urls(&api).iter().map(Url::to_string).collect();
        assert_eq!(
            urls,
            [
                "https://api.s.test/openapi.json",
                "https://api.s.test/api/schema/?format=json",
                "https://api.s.test/swagger.json",
                "https://api.s.test/v3/api-docs",
                "https://api.s.test/api/v1/openapi.json",
                "https://api.s.test/api/v1/schema/?format=json",
            ]
        );
        // At the root, the base's documents are the root's.
        let root = Url::parse("https://api.s.test/").unwrap();
        assert_eq!(doc_urls(&root).len(), 5);
        assert!(usable(&json!({"swagger": "2.0", "paths": {}})));
        assert!(!usable(&json!({"openapi": 3, "paths": {}})));
        assert!(!usable(&json!({"openapi": "3.0.0"})));
    }

    #[test]
    fn drf_options_metadata_names_the_login_fields() {
        let meta = json!({
            "name": "Token Obtain Pair",
            "renders": ["application/json"],
            "actions": {"POST": {
                "email": {"type": "email", "required": true, "read_only": false},
                "password": {"type": "string", "required": true, "read_only": false},
                "remember": {"type": "boolean", "required": false, "read_only": false},
                "access": {"type": "string", "required": false, "read_only": true}
            }}
        });
        assert_eq!(drf_fields(&meta).unwrap(), ["email", "password"]);
        let no_flags = json!({"actions": {"POST": {"username": {}, "password": {}}}});
        assert_eq!(drf_fields(&no_flags).unwrap(), ["password", "username"]);
        // A plain OPTIONS answer, or metadata without a POST action, names nothing.
        assert_eq!(drf_fields(&json!({"name": "Login", "renders": []})), None);
        assert_eq!(drf_fields(&json!({"actions": {"PUT": {"a": {}}}})), None);
        assert_eq!(drf_fields(&json!({"actions": {"POST": {}}})), None);
    }

    fn real(name: &str) -> Value {
        let path = format!("{}/fixtures/api/{name}", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap()
    }

    #[test]
    fn a_real_drf_spectacular_document_gives_a_json_login_without_its_read_only_tokens() {
        let doc = real("drf-spectacular-schema.json");
        assert!(usable(&doc));
        let api = Url::parse("https://api.d.test/api/v1/").unwrap();
        let d = discovery_of(&doc, &api);
        let login = d.login.unwrap();
        assert_eq!(login.call.path, "/api/v1/auth/login/");
        let body = login.body.unwrap();
        // JSON, form and multipart are all offered: the SPA's JSON is kept.
        assert_eq!(body.encoding, Encoding::Json);
        assert_eq!(body.fields, ["password", "username"]);
        assert!(d.calls.iter().any(|c| c.path == "/api/v1/auth/profile/"));
    }

    #[test]
    fn a_real_drf_options_answer_names_the_login_fields() {
        let fields = drf_fields(&real("drf-options-token-obtain-pair.json")).unwrap();
        assert_eq!(fields, ["password", "username"]);
    }
}
