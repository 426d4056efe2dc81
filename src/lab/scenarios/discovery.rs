//! Deployments whose frontend or API must be read the way real builds ship them: the app's
//! API helper in one webpack module (or ES chunk) called from lazy chunks, and a DRF API that
//! describes itself (drf-spectacular's schema, DRF's OPTIONS metadata) while the frontend's
//! code does not show the login's body. Bundles are the checked-in fixtures (built with webpack
//! 5 and esbuild; sources in fixtures/bundles/src/), their API base replaced by the lab's.
use super::Scenario;

const WEBPACK_MAIN: &str =
    include_str!("../../../fixtures/bundles/webpack-helper/main.b008886a.js");
const WEBPACK_LOGIN: &str =
    include_str!("../../../fixtures/bundles/webpack-helper/login.d4aef4c0.chunk.js");
const WEBPACK_SETTINGS: &str =
    include_str!("../../../fixtures/bundles/webpack-helper/227.ecb2cc5e.chunk.js");
const ESM_ENTRY: &str =
    include_str!("../../../fixtures/bundles/esm-split/assets/index-IRXEKR64.js");
const ESM_SHARED: &str =
    include_str!("../../../fixtures/bundles/esm-split/assets/chunk-TQUZ5KP2.js");
const ESM_LOGIN: &str =
    include_str!("../../../fixtures/bundles/esm-split/assets/login-JBWYNI4N.js");

/// A frontend whose code calls nothing visible (its calls are computed at run time).
const OPAQUE_SPA: &str = "(()=>{const e=window.__ROUTES__||{};window.app={go:t=>e[t]&&e[t]()}})();";

/// A simplejwt-style API: top-level `access`/`refresh` in the login's answer.
fn simplejwt(s: &mut Scenario, user_field: &str) {
    s.api.jwt.nested_tokens = false;
    s.api.jwt.login_field = Some(user_field.into());
}

pub fn list() -> Vec<Scenario> {
    vec![
        Scenario::fault(
            "stack-webpack-chunks",
            "a healthy webpack 5 SPA: its API helper lives in one module, the login (email) is in a lazy chunk that calls it as (0,r.E)(…); zero-config logs in on the first try",
            |s| {
                simplejwt(s, "email");
                s.frontend.script = Some(WEBPACK_MAIN.replace("https://api.wp.test/api/v2", "{api}"));
                s.frontend.chunks = vec![
                    ("/static/js/login.d4aef4c0.chunk.js".into(), WEBPACK_LOGIN.into()),
                    ("/static/js/227.ecb2cc5e.chunk.js".into(), WEBPACK_SETTINGS.into()),
                ];
                s.api.aliases = vec![("auth/me/".into(), "auth/profile/".into())];
                s.api.extra_routes = vec!["projects/".into()];
            },
        ),
        Scenario::fault(
            "stack-esm-chunks",
            "a healthy Vite/Rollup-style SPA: ES chunks import the API helper (import{b as n}from\"./chunk-….js\"), the login is in a lazy chunk; zero-config logs in on the first try",
            |s| {
                simplejwt(s, "username");
                s.frontend.script = Some(ESM_ENTRY.into());
                s.frontend.chunks = vec![
                    (
                        "/static/js/chunk-TQUZ5KP2.js".into(),
                        ESM_SHARED.replace("https://api.esm.test", "{api}"),
                    ),
                    ("/static/js/login-JBWYNI4N.js".into(), ESM_LOGIN.into()),
                ];
                s.api.aliases = vec![("v1/auth/sign-in".into(), "auth/login/".into())];
                s.api.extra_routes = vec!["v1/boards".into()];
            },
        ),
        Scenario::fault(
            "stack-drf-schema",
            "a healthy DRF API serving drf-spectacular's /api/schema/ (YAML unless JSON is asked for) behind a frontend whose code shows no call: the schema gives the routes and the email login",
            |s| {
                simplejwt(s, "email");
                s.frontend.script = Some(OPAQUE_SPA.into());
                s.api.drf.schema = true;
            },
        ),
        Scenario::fault(
            "stack-drf-yasg",
            "a healthy DRF API serving drf-yasg's Swagger 2.0 /swagger.json (basePath /api/v1, the login's body an `in: body` parameter) behind a frontend whose code shows no call",
            |s| {
                simplejwt(s, "email");
                s.frontend.script = Some(OPAQUE_SPA.into());
                s.api.drf.swagger = true;
            },
        ),
        Scenario::fault(
            "stack-drf-options",
            "a healthy DRF API whose login wants `email`; the bundle posts the login without showing its body, and DRF's OPTIONS metadata names the fields: zero-config logs in on the first try",
            |s| {
                s.api.jwt.login_field = Some("email".into());
                s.api.drf.options_metadata = true;
            },
        ),
    ]
}
