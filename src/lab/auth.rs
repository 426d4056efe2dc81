//! The lab's tokens: real HS256 JWTs issued and verified as simplejwt does, with the scenario's
//! faults (a forged-signature-accepting or alg:none-accepting verifier). The API and the live
//! WebSocket server both verify through here.

use super::LabState;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde_json::{json, Value};

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

pub fn jti() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_i64(now());
    let a = h.finish();
    let mut h2 = std::collections::hash_map::RandomState::new().build_hasher();
    h2.write_u64(a);
    format!("{:016x}{:016x}", a, h2.finish())
}

/// Issue a simplejwt token.
pub fn issue(secret: &str, token_type: &str, lifetime: i64, user_id: i64) -> String {
    let iat = now();
    let claims = json!({"token_type": token_type, "exp": iat + lifetime, "iat": iat, "jti": jti(), "user_id": user_id});
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .expect("HS256 encoding cannot fail")
}

/// Whether an access token is one this API accepts (the live WebSocket server asks this).
pub fn access_token_valid(state: &LabState, token: &str) -> bool {
    verify(state, token, "access").is_some()
}

/// Verify a token as the scenario's (possibly broken) simplejwt does; the claims when accepted.
pub fn verify(state: &LabState, token: &str, want_type: &str) -> Option<Value> {
    let j = &state.scenario.api.jwt;
    let mut parts = token.split('.');
    let (h, p) = (parts.next()?, parts.next()?);
    let header: Value = serde_json::from_slice(&B64.decode(h).ok()?).ok()?;
    let claims: Value = serde_json::from_slice(&B64.decode(p).ok()?).ok()?;
    let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
    let accepted = if alg.eq_ignore_ascii_case("none") {
        j.accept_alg_none
    } else if !j.verify_signature {
        true
    } else {
        let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
        v.required_spec_claims.clear();
        v.validate_exp = true;
        jsonwebtoken::decode::<Value>(
            token,
            &jsonwebtoken::DecodingKey::from_secret(j.secret.as_bytes()),
            &v,
        )
        .is_ok()
    };
    if !accepted {
        return None;
    }
    if claims
        .get("exp")
        .and_then(Value::as_i64)
        .is_some_and(|e| e < now())
    {
        return None;
    }
    if claims.get("token_type").and_then(Value::as_str) != Some(want_type) {
        return None;
    }
    Some(claims)
}

/// Whether a token's HS256 signature verifies with `secret` (an instance with its own key).
pub fn signed_with(token: &str, secret: &str) -> bool {
    let mut v = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::HS256);
    v.required_spec_claims.clear();
    jsonwebtoken::decode::<Value>(
        token,
        &jsonwebtoken::DecodingKey::from_secret(secret.as_bytes()),
        &v,
    )
    .is_ok()
}

/// The scenario's CSRF check on an unsafe request, as Django's CsrfViewMiddleware (or DRF's
/// SessionAuthentication) refuses it: `(status, content type, body)` when refused. Only
/// requests that carry an Origin are checked (see `scenarios::csrf`); with `session_only`, only
/// those that also carry the session cookie (DRF checks a logged-in session's requests).
pub fn csrf_refusal(
    state: &LabState,
    req: &super::http::LabRequest,
) -> Option<(u16, String, Vec<u8>)> {
    let c = &state.scenario.api.csrf;
    let unsafe_method = !matches!(req.method.as_str(), "GET" | "HEAD" | "OPTIONS" | "TRACE");
    let cookie = |name: &str| {
        req.header("cookie").is_some_and(|k| {
            k.split(';')
                .any(|p| p.trim().starts_with(&format!("{name}=")))
        })
    };
    if !c.enforce || !unsafe_method || (c.session_only && !cookie("sessionid")) {
        return None;
    }
    let origin = req.header("origin")?;
    let trusted = c.trusted_origins.iter().any(|t| state.expand(t) == origin);
    let reason = if !trusted {
        format!("Origin checking failed - {origin} does not match any trusted origins.")
    } else if !c.require_token {
        return None;
    } else if !cookie("csrftoken") {
        "CSRF cookie not set.".to_string()
    } else if req.header("x-csrftoken").is_none() {
        "CSRF token missing.".to_string()
    } else {
        return None;
    };
    if c.drf {
        let body = json!({ "detail": format!("CSRF Failed: {reason}") });
        return Some((
            403,
            "application/json".into(),
            body.to_string().into_bytes(),
        ));
    }
    let page = format!("<!DOCTYPE html><html lang=\"en\"><head><title>403 Forbidden</title></head><body><div id=\"summary\"><h1>Forbidden <span>(403)</span></h1><p>CSRF verification failed. Request aborted.</p><p>Reason given for failure:</p><pre>\n    {reason}\n  </pre></div></body></html>");
    Some((403, "text/html; charset=utf-8".into(), page.into_bytes()))
}
