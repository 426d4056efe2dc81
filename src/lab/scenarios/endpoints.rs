//! Section 5 faults: routes that are missing, refused, crashing or left open.
use super::Scenario;

pub fn list() -> Vec<Scenario> {
    vec![
        Scenario::fault(
            "endpoints-missing-routes",
            "the deployed backend lacks two routes the frontend calls (license/info/, models/available/): 404",
            |s| {
                s.api.missing = vec!["license/info/".into(), "models/available/".into()];
            },
        ),
        Scenario::fault(
            "endpoints-disallowed-host",
            "the API host is not in ALLOWED_HOSTS: Django answers its plain 400 page to every route",
            |s| {
                s.api.host_allowed = false;
            },
        ),
        Scenario::fault(
            "endpoints-debug-on",
            "DEBUG = True in production: unknown paths show the yellow technical 404 page",
            |s| {
                s.api.debug = true;
            },
        ),
        Scenario::fault(
            "endpoints-backend-500",
            "the database is down: views that touch it answer 500, the health check 503",
            |s| {
                s.api.db_down = true;
            },
        ),
        Scenario::fault(
            "endpoints-backend-down",
            "the app is not running: the platform proxy answers 502 Bad Gateway to everything",
            |s| {
                s.api.proxy_error = Some(502);
            },
        ),
        Scenario::fault(
            "endpoints-maintenance",
            "the API is in maintenance mode: the proxy answers an HTML 503 \"Down for maintenance\" page with Retry-After: 600",
            |s| {
                s.api.maintenance = Some(600);
            },
        ),
        Scenario::fault(
            "endpoints-express-missing-route",
            "an Express app (X-Powered-By: Express, its \"Cannot GET\" 404 page) whose /me route the Bearer-only SPA calls is not deployed: the fix names the Express router, not urls.py",
            |s| {
                super::stacks::express(s);
                s.frontend.script = Some(super::stacks::BEARER_SPA.into());
                s.api.aliases.retain(|(a, _)| a != "me");
            },
        ),
        Scenario::fault(
            "endpoints-403-not-401",
            "SessionAuthentication is listed first: protected routes answer 403 without WWW-Authenticate",
            |s| {
                s.api.session_auth_first = true;
            },
        ),
        Scenario::fault(
            "endpoints-setup-exposed",
            "the /setup/database/ maintenance route answers anyone without authentication",
            |s| {
                s.api.setup_exposed = true;
            },
        ),
    ]
}
