//! What a DRF API says about itself, when the scenario serves it: drf-spectacular's schema at
//! `/api/schema/` (YAML by default, JSON when asked with `?format=json` or its
//! `application/vnd.oai.openapi+json` type), and DRF's OPTIONS metadata for the login view
//! (`{"name", "description", "renders", "parses", "actions": {"POST": {…}}}`), naming the
//! field the login reads for the user.

use super::http::LabRequest;
use super::shape::Headers;
use super::LabState;
use http::Method;
use serde_json::{json, Value};

/// Which of them the API serves.
#[derive(Debug, Clone, Default)]
pub struct DrfExtras {
    /// `OPTIONS` on the login (without a preflight's headers) answers DRF's metadata.
    pub options_metadata: bool,
    /// drf-spectacular's `SpectacularAPIView` at `/api/schema/`.
    pub schema: bool,
    /// drf-yasg's Swagger 2.0 document at `/swagger.json` (paths under its `basePath`, the
    /// login's body an `in: body` parameter).
    pub swagger: bool,
}

/// The answer to `req` when it asks for the schema or the login's metadata.
pub fn answer(state: &LabState, req: &LabRequest, rel: &str) -> Option<(u16, Headers, Vec<u8>)> {
    let extras = &state.scenario.api.drf;
    let user_field = state
        .scenario
        .api
        .jwt
        .login_field
        .as_deref()
        .unwrap_or("username");
    if extras.schema && req.path == "/api/schema/" && req.method == Method::GET {
        return Some(schema(req, user_field));
    }
    if extras.swagger && req.path == "/swagger.json" && req.method == Method::GET {
        return Some(json_answer(swagger(user_field)));
    }
    if extras.options_metadata && rel == "auth/login/" && req.method == Method::OPTIONS {
        return Some(json_answer(metadata(user_field)));
    }
    None
}

fn json_answer(v: Value) -> (u16, Headers, Vec<u8>) {
    (
        200,
        vec![
            ("content-type", "application/json".into()),
            ("allow", "POST, OPTIONS".into()),
            ("vary", "Accept".into()),
        ],
        serde_json::to_vec(&v).unwrap_or_default(),
    )
}

/// DRF's SimpleMetadata for simplejwt's TokenObtainPairView.
fn metadata(user_field: &str) -> Value {
    let field = |kind: &str, label: &str| json!({"type": kind, "required": true, "read_only": false, "label": label});
    let mut post = serde_json::Map::new();
    post.insert(user_field.to_string(), field("string", user_field));
    post.insert("password".into(), field("string", "Password"));
    json!({
        "name": "Token Obtain Pair",
        "description": "Takes a set of user credentials and returns an access and refresh JSON web token pair.",
        "renders": ["application/json", "text/html"],
        "parses": ["application/json", "application/x-www-form-urlencoded", "multipart/form-data"],
        "actions": {"POST": post}
    })
}

/// drf-yasg's Swagger 2.0 document.
fn swagger(user_field: &str) -> Value {
    let mut props = serde_json::Map::new();
    props.insert(user_field.to_string(), json!({"type": "string"}));
    props.insert("password".into(), json!({"type": "string"}));
    props.insert("access".into(), json!({"type": "string", "readOnly": true}));
    json!({
        "swagger": "2.0",
        "info": {"title": "Lab API", "version": "v1"},
        "basePath": "/api/v1",
        "consumes": ["application/json"],
        "paths": {
            "/auth/login/": {"post": {"operationId": "auth_login_create", "parameters": [
                {"name": "data", "in": "body", "required": true, "schema": {"$ref": "#/definitions/TokenObtainPair"}}
            ]}},
            "/auth/profile/": {"get": {"operationId": "auth_profile_read", "parameters": []}}
        },
        "definitions": {"TokenObtainPair": {"required": [user_field, "password"], "type": "object", "properties": props}}
    })
}

/// The schema document: JSON when asked for, else the YAML drf-spectacular renders by default.
fn schema(req: &LabRequest, user_field: &str) -> (u16, Headers, Vec<u8>) {
    let json_asked = req
        .query
        .as_deref()
        .is_some_and(|q| q.split('&').any(|p| p == "format=json"))
        || req
            .header("accept")
            .is_some_and(|a| a.contains("application/vnd.oai.openapi+json"));
    if !json_asked {
        let yaml = format!("openapi: 3.0.3\ninfo:\n  title: Lab API\n  version: 1.0.0\npaths:\n  /api/v1/auth/login/:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema:\n              $ref: '#/components/schemas/TokenObtainPair'\ncomponents:\n  schemas:\n    TokenObtainPair:\n      properties:\n        {user_field}:\n          type: string\n");
        return (
            200,
            vec![(
                "content-type",
                "application/vnd.oai.openapi; charset=utf-8".into(),
            )],
            yaml.into_bytes(),
        );
    }
    let mut login_props = serde_json::Map::new();
    login_props.insert(
        user_field.to_string(),
        json!({"type": "string", "writeOnly": true}),
    );
    login_props.insert(
        "password".into(),
        json!({"type": "string", "writeOnly": true}),
    );
    login_props.insert("access".into(), json!({"type": "string", "readOnly": true}));
    let body = |r: &str| json!({"content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{r}")}}}, "required": true});
    let doc = json!({
        "openapi": "3.0.3",
        "info": {"title": "Lab API", "version": "1.0.0"},
        "paths": {
            "/api/v1/auth/login/": {"post": {"operationId": "auth_login_create", "requestBody": body("TokenObtainPair")}},
            "/api/v1/auth/refresh/": {"post": {"operationId": "auth_refresh_create", "requestBody": body("TokenRefresh")}},
            "/api/v1/auth/profile/": {"get": {"operationId": "auth_profile_retrieve"}},
            "/api/v1/license/info/": {"get": {"operationId": "license_info_retrieve"}}
        },
        "components": {"schemas": {
            "TokenObtainPair": {"type": "object", "properties": login_props},
            "TokenRefresh": {"type": "object", "properties": {"refresh": {"type": "string"}}}
        }}
    });
    let (s, mut h, b) = json_answer(doc);
    h[0].1 = "application/vnd.oai.openapi+json".into();
    (s, h, b)
}
