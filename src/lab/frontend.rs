//! The lab's frontend: a Create-React-App-style build. `index.html` loads a hashed bundle that
//! embeds REACT_APP_API_BASE_URL the way webpack's DefinePlugin inlines it.

use super::http::{respond, Body, LabRequest};
use super::LabState;
use http::Response;

pub const BUNDLE_PATH: &str = "/static/js/main.8f2c1a7e.js";

fn security(state: &LabState, h: &mut Vec<(&'static str, String)>) {
    let f = &state.scenario.frontend;
    if let Some(hsts) = &f.hsts {
        h.push(("strict-transport-security", hsts.clone()));
    }
    h.push(("x-content-type-options", "nosniff".into()));
    h.push(("x-frame-options", "SAMEORIGIN".into()));
    h.push(("referrer-policy", "strict-origin-when-cross-origin".into()));
    if let Some(csp) = &f.csp {
        h.push(("content-security-policy", csp.clone()));
    }
}

pub fn index_html(state: &LabState) -> String {
    let f = &state.scenario.frontend;
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"/><link rel=\"icon\" href=\"/favicon.ico\"/><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"/><title>TikTrue</title>{}<script defer=\"defer\" src=\"{BUNDLE_PATH}\"></script><link href=\"/static/css/main.3b1f9a2c.css\" rel=\"stylesheet\"></head><body><noscript>You need to enable JavaScript to run this app.</noscript><div id=\"root\"></div>{}</body></html>",
        state.expand(&f.extra_head),
        state.expand(&f.extra_body)
    )
}

pub fn bundle(state: &LabState) -> Vec<u8> {
    let f = &state.scenario.frontend;
    let api = state.expand(&f.api_url);
    let ws = f
        .ws_url
        .as_ref()
        .map(|w| state.expand(w))
        .unwrap_or_default();
    // How the app opens its socket with the token, when it sends one.
    let (socket, open) = match &f.ws_token_param {
        Some(p) => (
            format!("function d(e){{return new WebSocket(`${{s}}?{p}=${{e}}`)}}"),
            ",open:d",
        ),
        None => (String::new(), ""),
    };
    let mut js = format!(
        "/*! For license information please see main.8f2c1a7e.js.LICENSE.txt */\n(()=>{{var e={{7463:(e,t,n)=>{{\"use strict\";var r=n(2791);const a=\"{api}\";var o=n(4569),i=n.n(o);i().defaults.baseURL=a||\"{api}\",i().defaults.withCredentials=!0;const s=\"{ws}\";function l(e){{return i().post(\"/auth/login/\",e)}}function c(){{return i().get(\"/auth/profile/\")}}function u(e){{return i().post(\"/auth/refresh/\",{{refresh:e}})}}{socket}function p(e){{return i().post(\"/auth/register/\",e)}}function f(e){{return i().post(\"/auth/forgot-password/\",e)}}function g(e){{return i().post(\"/auth/reset-password/\",e)}}function h(){{return i().get(\"/license/info/\")}}function m(){{return i().get(\"/models/available/\")}}t.Z={{login:l,profile:c,refresh:u,register:p,forgot:f,reset:g,license:h,models:m,ws:s{open}}}}}}};var t={{}};function n(r){{var a=t[r];if(void 0!==a)return a.exports;var o=t[r]={{exports:{{}}}};return e[r](o,o.exports,n),o.exports}}n(7463)}})();\n//# sourceMappingURL=main.8f2c1a7e.js.map\n"
    );
    if let Some(script) = &f.script {
        js = format!("{}\n", state.expand(script).replace("{api}", &api));
    }
    if f.bundle_padding > 0 {
        js.push_str("/*");
        js.push_str(&"x".repeat(f.bundle_padding));
        js.push_str("*/\n");
    }
    js.into_bytes()
}

pub fn handle(state: &LabState, req: &LabRequest) -> Response<Body> {
    let mut h: Vec<(&'static str, String)> = Vec::new();
    security(state, &mut h);
    let chunk = state
        .scenario
        .frontend
        .chunks
        .iter()
        .find(|(p, _)| *p == req.path);
    if let Some((_, script)) = chunk {
        let api = state.expand(&state.scenario.frontend.api_url);
        h.push(("content-type", "text/javascript; charset=utf-8".into()));
        return respond(200, &h, state.expand(script).replace("{api}", &api));
    }
    match req.path.as_str() {
        p if p == BUNDLE_PATH && !state.scenario.frontend.bundle_missing => {
            h.push((
                "content-type",
                "application/javascript; charset=utf-8".into(),
            ));
            h.push((
                "cache-control",
                "public, max-age=31536000, immutable".into(),
            ));
            respond(200, &h, bundle(state))
        }
        "/static/css/main.3b1f9a2c.css" => {
            h.push(("content-type", "text/css".into()));
            respond(200, &h, "body{margin:0;font-family:system-ui}")
        }
        "/favicon.ico" => respond(204, &h, ""),
        // The SPA's catch-all: every other path serves index.html (client-side routing).
        _ => {
            h.push(("content-type", "text/html; charset=utf-8".into()));
            respond(200, &h, index_html(state))
        }
    }
}
