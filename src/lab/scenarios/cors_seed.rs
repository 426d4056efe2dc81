//! CORS pitfalls from the seed documents (issue 20), each a lab of its own: an allowed origin
//! written with a trailing slash, and an API refusing a method the frontend's bundle uses.
use super::Scenario;

/// The calls the frontend's code makes besides the bundle's login/profile/refresh: an inline
/// script that updates the profile with PUT and deletes a session with DELETE.
const WRITES_SCRIPT: &str = r#"<script>function sv(e){return axios.put("/auth/profile/",e)}function lo(){return axios.delete("/auth/sessions/current/")}</script>"#;

pub fn list() -> Vec<Scenario> {
    vec![
        Scenario::fault(
            "cors-origin-trailing-slash",
            "CORS_ALLOWED_ORIGINS = ['https://tiktrue.test/']: the trailing slash never matches the browser's Origin",
            |s| {
                s.api.allowed_origins = vec![
                    "https://tiktrue.test{port}/".into(),
                    "https://www.tiktrue.test{port}/".into(),
                ];
            },
        ),
        Scenario::fault(
            "cors-method-refused-by-api",
            "the SPA saves with PUT and logs out with DELETE, but CORS_ALLOW_METHODS lists only GET, POST and OPTIONS",
            |s| {
                s.api.allow_methods = ["GET", "OPTIONS", "POST"].map(String::from).to_vec();
                s.frontend.extra_body = WRITES_SCRIPT.into();
            },
        ),
    ]
}
