//! CORS pitfalls from the seed documents (issue 20), each a lab of its own: an allowed origin
//! written with a trailing slash, and an API refusing a method the frontend's bundle uses.
use super::Scenario;

/// The calls the frontend's code makes besides the bundle's login/profile/refresh: an inline
/// script that updates the profile with PUT and deletes a session with DELETE.
const WRITES_SCRIPT: &str = r#"<script>function sv(e){return axios.put("/auth/profile/",e)}function lo(){return axios.delete("/auth/sessions/current/")}</script>"#;

/// A TikTrue-shaped bundle that calls the login without its trailing slash.
const NO_SLASH_LOGIN: &str = "var n=\"{api}\";async function l(e,a){return(await fetch(`${n}/auth/login`,{method:\"POST\",credentials:\"include\",headers:{\"Content-Type\":\"application/json\"},body:JSON.stringify({username:e,password:a})})).json()}var p=t=>fetch(`${n}/auth/profile/`,{credentials:\"include\",headers:{Authorization:`Bearer ${t}`}});export{l as login,p as profile};";

pub fn list() -> Vec<Scenario> {
    vec![
        Scenario::fault(
            "cors-middleware-after-common",
            "CorsMiddleware is listed after CommonMiddleware and the SPA calls auth/login without its slash: APPEND_SLASH answers the preflight with a redirect",
            |s| {
                s.api.cors_after_common = true;
                s.frontend.script = Some(NO_SLASH_LOGIN.into());
            },
        ),
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
