//! Zero-config discovery against lab deployments built the way real frontends ship (webpack 5
//! modules and lazy chunks, Vite/Rollup-style ES chunks) and DRF APIs that describe themselves
//! (drf-spectacular's schema, DRF's OPTIONS metadata): real sockets, the lab's DNS and CA.
mod common;
#[path = "common/typed_run.rs"]
mod typed;
use conncheck::engine::model::Status;
use conncheck::engine::Subject;
use typed::{diagnose, Typed};

/// The requests the lab served with `method` on a path ending in `suffix`.
fn served<'a>(
    t: &'a Typed,
    method: &str,
    suffix: &str,
) -> Vec<&'a conncheck::lab::server::LogEntry> {
    t.log
        .iter()
        .filter(|e| e.method == method && e.path.ends_with(suffix))
        .collect()
}

/// The login passed on its first attempt and the token it gave was accepted (a run of the JWT
/// rows only: the endpoint rows' anonymous probe of the login is another POST).
fn logged_in_once(t: &Typed, login_path: &str) {
    let login = t.one("jwt.login");
    assert_eq!(login.status, Status::Pass, "{login:#?}");
    assert_eq!(
        served(t, "POST", login_path).len(),
        1,
        "one login POST, no retry: {:#?}",
        t.log
    );
    let authed = t.one("jwt.authenticated");
    assert_eq!(authed.status, Status::Pass, "{authed:#?}");
}

#[tokio::test]
async fn a_webpack_helper_module_called_from_a_lazy_login_chunk() {
    let jwt = diagnose("stack-webpack-chunks", &["--only", "jwt"], true).await;
    // Both chunks the runtime's chunk map names were read.
    assert!(!served(&jwt, "GET", "/static/js/login.d4aef4c0.chunk.js").is_empty());
    assert!(!served(&jwt, "GET", "/static/js/227.ecb2cc5e.chunk.js").is_empty());
    logged_in_once(&jwt, "/api/v1/auth/login/");
    let t = diagnose("stack-webpack-chunks", &["--only", "endpoints"], true).await;
    // The app's login is the default map's route (same URL): that entry is kept, now called.
    let login = t.one("endpoints.login");
    assert_eq!(
        login.subject,
        Subject::endpoint("login", "POST", "auth/login/")
    );
    assert_eq!(login.status, Status::Pass, "{login:#?}");
    // The entry's own call through the helper is mapped, exactly as written.
    let projects = t.one("endpoints.projects");
    assert_eq!(
        projects.subject,
        Subject::endpoint("projects", "GET", "/api/v1/projects/")
    );
    assert_eq!(projects.status, Status::Pass, "{projects:#?}");
    // The PATCH the settings chunk makes is never probed.
    assert!(served(&t, "PATCH", "/settings/").is_empty());
}

#[tokio::test]
async fn es_module_chunks_importing_the_helper() {
    let jwt = diagnose("stack-esm-chunks", &["--only", "jwt"], true).await;
    assert!(!served(&jwt, "GET", "/static/js/chunk-TQUZ5KP2.js").is_empty());
    assert!(!served(&jwt, "GET", "/static/js/login-JBWYNI4N.js").is_empty());
    logged_in_once(&jwt, "/api/v1/v1/auth/sign-in");
    let t = diagnose("stack-esm-chunks", &["--only", "endpoints"], true).await;
    let boards = t.one("endpoints.v1-boards");
    assert_eq!(
        boards.subject,
        Subject::endpoint("v1-boards", "GET", "/api/v1/v1/boards")
    );
    assert_eq!(boards.status, Status::Pass, "{boards:#?}");
}

#[tokio::test]
async fn a_drf_schema_served_as_yaml_by_default_is_asked_for_as_json() {
    let jwt = diagnose("stack-drf-schema", &["--only", "jwt"], true).await;
    assert_eq!(served(&jwt, "GET", "/api/schema/").len(), 1);
    // The schema's email login works at once (the YAML answer would have left the default
    // `username` body, answered 400 and retried).
    logged_in_once(&jwt, "/api/v1/auth/login/");
    let t = diagnose("stack-drf-schema", &["--only", "endpoints"], true).await;
    // The default map's profile route, now one the API names (not a guess).
    let profile = t.one("endpoints.profile");
    assert_eq!(
        profile.subject,
        Subject::endpoint("profile", "GET", "auth/profile/")
    );
    assert_eq!(profile.status, Status::Pass, "{profile:#?}");
}

#[tokio::test]
async fn a_swagger2_document_under_its_base_path() {
    let jwt = diagnose("stack-drf-yasg", &["--only", "jwt"], true).await;
    assert_eq!(served(&jwt, "GET", "/swagger.json").len(), 1);
    logged_in_once(&jwt, "/api/v1/auth/login/");
}

#[tokio::test]
async fn drf_options_metadata_names_the_login_fields_before_the_one_login() {
    let t = diagnose("stack-drf-options", &["--only", "jwt"], true).await;
    let options = served(&t, "OPTIONS", "/api/v1/auth/login/");
    assert_eq!(options.len(), 1, "{:#?}", t.log);
    let post = served(&t, "POST", "/api/v1/auth/login/");
    assert!(options[0].id < post[0].id, "asked before the login");
    logged_in_once(&t, "/api/v1/auth/login/");
}

#[tokio::test]
async fn without_drf_metadata_the_login_still_learns_from_its_400() {
    // The same API without the metadata: the login's 400 names the field, one retry.
    let t = diagnose("stack-email-login", &["--only", "jwt"], true).await;
    assert_eq!(served(&t, "POST", "/api/v1/auth/login/").len(), 2);
    assert_eq!(t.one("jwt.login").status, Status::Pass);
}
