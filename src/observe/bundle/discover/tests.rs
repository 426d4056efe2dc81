//! Discovery on fixture bundles shaped like esbuild, Vite, webpack and Next.js output.
use super::*;

fn fixture(name: &str) -> Discovery {
    let path = format!("{}/fixtures/bundles/{name}", env!("CARGO_MANIFEST_DIR"));
    discover(&std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
}

fn call<'a>(d: &'a Discovery, method: &str, path: &str) -> &'a ApiCall {
    d.calls
        .iter()
        .find(|c| c.method.as_deref() == Some(method) && c.path == path)
        .unwrap_or_else(|| panic!("no {method} {path} in {:#?}", d.calls))
}

fn paths(d: &Discovery) -> Vec<(Option<&str>, &str)> {
    d.calls
        .iter()
        .map(|c| (c.method.as_deref(), c.path.as_str()))
        .collect()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn vite_axios_bundle_gives_base_calls_login_refresh_and_bearer() {
    let d = fixture("vite-axios-jwt.js");
    assert_eq!(d.api_bases, ["https://api.shop.test/api"]);
    assert_eq!(
        paths(&d),
        [
            (Some("POST"), "/auth/login/"),
            (Some("POST"), "/auth/token/refresh/"),
            (Some("GET"), "/orders/{id}/"),
            (Some("PATCH"), "/orders/{param}/items/{param}"),
            (Some("DELETE"), "/cart/"),
            (Some("PUT"), "/profile/"),
        ],
        "a Map's get(\"orders/list\") is not a call"
    );
    let login = d.login.as_ref().unwrap();
    assert_eq!(login.call.path, "/auth/login/");
    let body = login.body.as_ref().unwrap();
    assert_eq!(body.encoding, Encoding::Json);
    assert_eq!(body.fields, ["email", "password"]);
    // `const{data:n}=await x.post(…)` then `n.access`: axios' data wrapper is not in the JSON.
    assert_eq!(login.token_path, Some(strings(&["access"])));
    assert_eq!(login.refresh_path, Some(strings(&["refresh"])));
    let refresh = d.refresh.as_ref().unwrap();
    assert_eq!(refresh.call.path, "/auth/token/refresh/");
    assert_eq!(refresh.body.as_ref().unwrap().fields, ["refresh"]);
    assert!(!refresh.via_cookie);
    let scheme = Some("Bearer".to_string());
    assert_eq!(d.token_sent, Some(TokenSend::Authorization { scheme }));
    assert_eq!(d.credentials, CredentialsMode::Include);
    assert!(d.websockets.is_empty());
}

#[test]
fn webpack_fetch_bundle_with_a_nested_body_and_a_cookie_refresh() {
    let d = fixture("webpack-fetch-nested.js");
    // Built with "".concat(o,"/v2/…"), o a constant: the base is resolved.
    assert_eq!(d.api_bases, ["https://gateway.example.test"]);
    let c = call(&d, "GET", "/v2/projects/{param}");
    assert_eq!(
        c.url.as_deref(),
        Some("https://gateway.example.test/v2/projects/{param}")
    );
    assert_eq!(c.client, Client::Fetch);
    call(&d, "POST", "/v2/projects/{param}/tasks");
    let login = d.login.as_ref().unwrap();
    assert_eq!(login.call.path, "/v2/sessions");
    assert_eq!(login.call.method.as_deref(), Some("POST"));
    let body = login.body.as_ref().unwrap();
    assert_eq!(body.fields, ["auth.email", "auth.password"]);
    assert_eq!(body.encoding, Encoding::Json);
    // fetch: the JSON is read as is, so its own `data` key stays.
    assert_eq!(
        login.token_path,
        Some(strings(&["data", "tokens", "access"]))
    );
    let refresh = d.refresh.as_ref().unwrap();
    assert_eq!(refresh.call.path, "/v2/sessions/refresh");
    assert!(
        refresh.via_cookie,
        "no body, credentials included: the cookie carries it"
    );
    let scheme = Some("JWT".to_string());
    assert_eq!(d.token_sent, Some(TokenSend::Authorization { scheme }));
    assert_eq!(d.credentials, CredentialsMode::Include);
}

#[test]
fn esbuild_ky_bundle_with_an_oauth2_password_grant_and_a_socket_token() {
    let d = fixture("esbuild-ky-oauth.js");
    assert_eq!(d.api_bases, ["/api"]);
    let login = d.login.as_ref().unwrap();
    assert_eq!(login.call.path, "auth/token");
    assert_eq!(login.call.client, Client::Ky);
    let body = login.body.as_ref().unwrap();
    assert_eq!(body.encoding, Encoding::Form);
    assert_eq!(body.fields, ["grant_type", "username", "password"]);
    assert!(body.password_grant);
    assert_eq!(login.token_path, Some(strings(&["access_token"])));
    assert_eq!(login.refresh_path, Some(strings(&["refresh_token"])));
    call(&d, "GET", "users/{param}/avatar");
    let scheme = Some("Token".to_string());
    assert_eq!(d.token_sent, Some(TokenSend::Authorization { scheme }));
    let ws = &d.websockets[..];
    assert_eq!(ws.len(), 1, "{ws:#?}");
    assert_eq!(ws[0].url, None, "the host is the page's own");
    assert_eq!(ws[0].token_param.as_deref(), Some("access_token"));
    assert!(
        ws[0].pattern.contains("/ws/notifications?"),
        "{}",
        ws[0].pattern
    );
}

#[test]
fn webpack_cookie_session_spa_sends_no_token_header() {
    let d = fixture("webpack-cookie-session.js");
    assert_eq!(d.api_bases, ["/api/v1"]);
    assert_eq!(d.credentials, CredentialsMode::Include);
    assert_eq!(d.token_sent, Some(TokenSend::Cookie));
    let login = d.login.as_ref().unwrap();
    assert_eq!(login.call.path, "/accounts/login/");
    let body = login.body.as_ref().unwrap();
    assert_eq!(body.encoding, Encoding::Form);
    assert_eq!(body.fields, ["username", "password"]);
    assert_eq!(login.token_path, None);
    assert_eq!(d.refresh, None);
    call(&d, "POST", "/accounts/logout/");
    call(&d, "GET", "/accounts/me/");
}

#[test]
fn next_swc_bundle_resolves_constants_and_finds_the_socket_token() {
    let d = fixture("next-app.js");
    assert_eq!(d.api_bases, ["https://plane-api.mohdop.test"]);
    let c = call(&d, "GET", "/api/v1/workspaces/{param}/");
    assert_eq!(
        c.base_value.as_deref(),
        Some("https://plane-api.mohdop.test")
    );
    assert_eq!(d.websockets.len(), 1, "{:#?}", d.websockets);
    let ws = &d.websockets[0];
    assert_eq!(ws.url.as_deref(), Some("wss://plane.mohdop.test/live"));
    assert_eq!(ws.token_param.as_deref(), Some("token"));
    assert_eq!(d.credentials, CredentialsMode::Include);
}

#[test]
fn cra_bundle_posting_a_parameter_has_a_login_of_unknown_shape() {
    let d = fixture("cra-main.js");
    assert_eq!(d.api_bases, ["https://api.tiktrue.com/api/v1"]);
    let login = d.login.as_ref().unwrap();
    assert_eq!(login.call.path, "/auth/login/");
    let body = login.body.as_ref().unwrap();
    assert_eq!(
        body.encoding,
        Encoding::Unknown,
        "the body is the function's parameter"
    );
    assert!(body.fields.is_empty());
    let scheme = Some("Bearer".to_string());
    assert_eq!(d.token_sent, Some(TokenSend::Authorization { scheme }));
}

#[test]
fn small_shapes() {
    // A template with a computed base and an id; a destructured `{jwt}` from fetch.
    let d = discover(
        br#"const b=getBase();async function l(e){const{jwt:t}=await fetch(`${b}/api/login`,{method:"post",body:JSON.stringify({user:{email:e.email,password:e.pw}})}).then(r=>r.json());return t}const g=e=>fetch(`${b}/orders/${e.orderId}`);"#,
    );
    let login = d.login.as_ref().unwrap();
    assert_eq!(login.call.path, "/api/login");
    assert_eq!(login.call.base_expr.as_deref(), Some("b"));
    assert_eq!(login.call.method.as_deref(), Some("POST"));
    assert_eq!(
        login.body.as_ref().unwrap().fields,
        ["user.email", "user.password"]
    );
    assert_eq!(login.token_path, Some(strings(&["jwt"])));
    call(&d, "GET", "/orders/{orderId}");
    assert_eq!(d.credentials, CredentialsMode::Default);
    assert_eq!(d.token_sent, None);
    // axios' global default, and a token in an absolute socket URL template.
    let d = discover(
        br#"n.default.defaults.withCredentials=true;const s=new WebSocket(`wss://rt.x.test/socket?room=${r}&token=${u.token}`);"#,
    );
    assert_eq!(d.credentials, CredentialsMode::Include);
    assert_eq!(
        d.websockets[0].url.as_deref(),
        Some("wss://rt.x.test/socket")
    );
    assert_eq!(d.websockets[0].token_param.as_deref(), Some("token"));
    // A sentence, a key or a file name is not a call.
    let d = discover(br#"t.get("Content-Type");i18n.get("errors.network");x.post("hello world")"#);
    assert!(d.calls.is_empty(), "{:#?}", d.calls);
}

#[test]
fn merging_scripts_keeps_the_first_of_each() {
    let config = discover(br#"window.__ENV__={API_BASE_URL:"https://api.cfg.test/v1"}"#);
    let bundle = fixture("vite-axios-jwt.js");
    let d = merge([config, bundle]);
    assert_eq!(
        d.api_bases,
        ["https://api.cfg.test/v1", "https://api.shop.test/api"]
    );
    assert_eq!(d.login.unwrap().call.path, "/auth/login/");
    assert_eq!(d.credentials, CredentialsMode::Include);
}

#[test]
fn vite_entry_names_its_lazy_chunks_and_a_socket_io_client() {
    let path = format!(
        "{}/fixtures/bundles/vite-entry-lazy.js",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(
        chunk_refs(&bytes),
        [
            "assets/Login-5b1c9e2a.js",
            "assets/Dashboard-0d4e7f13.js",
            "assets/vendor-3f2a1b9c.js",
            "./vendor-3f2a1b9c.js",
            "./Login-5b1c9e2a.js",
            "./Dashboard-0d4e7f13.js",
        ]
    );
    let d = discover(&bytes);
    assert_eq!(d.websockets.len(), 1, "{:#?}", d.websockets);
    let ws = &d.websockets[0];
    assert_eq!(ws.url.as_deref(), Some("https://rt.shop.test/realtime/"));
    assert_eq!(ws.token_param, None);
    assert_eq!(
        ws.kind,
        SocketKind::SocketIo {
            path: "/realtime/".into(),
            auth_key: Some("token".into())
        }
    );
}

#[test]
fn webpack_runtime_chunk_map_is_expanded_and_a_socket_io_query_token_found() {
    let path = format!(
        "{}/fixtures/bundles/webpack-runtime.js",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(
        chunk_refs(&bytes),
        [
            "static/js/218.b3a1f0c2.chunk.js",
            "static/js/592.7d9e4a11.chunk.js"
        ]
    );
    let d = discover(&bytes);
    let ws = &d.websockets[0];
    assert_eq!(ws.url, None);
    assert_eq!(ws.token_param.as_deref(), Some("token"));
    assert_eq!(ws.pattern, "/socket.io/?token={param}");
}

#[test]
fn csrf_settings_and_headers_are_found() {
    let d = fixture("webpack-cookie-session.js");
    assert_eq!(
        d.csrf,
        Some(Csrf {
            cookie: Some("csrftoken".into()),
            header: Some("X-CSRFToken".into())
        })
    );
    let d = discover(br#"fetch("/api/items/",{method:"POST",headers:{"X-CSRF-Token":m.content}})"#);
    assert_eq!(
        d.csrf.and_then(|c| c.header).as_deref(),
        Some("X-CSRF-Token")
    );
    assert_eq!(fixture("vite-axios-jwt.js").csrf, None);
}

#[test]
fn arbitrary_script_text_never_panics() {
    // A deterministic stream of JavaScript-ish fragments, cut at random places: unterminated
    // strings, templates, regexes and brackets, non-ASCII hosts.
    let frags: [&[u8]; 24] = [
        b"fetch(",
        b"`${",
        b"}`",
        b"\"",
        b"'",
        b"/",
        b"\\",
        b"(",
        b")",
        b"{",
        b"}",
        b"[",
        b"]",
        b",",
        b"=",
        b"x.post(",
        b"\"/auth/login/\"",
        b"{email:e,password:t}",
        b"new WebSocket(",
        b"\"https://b\xc3\xbccher.test/api\"",
        b"io(",
        b".concat(",
        b"+",
        b"\"static/js/\"+e+\".\"+{1:\"a\"}[e]+\".js\"",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..400 {
        let mut src = Vec::new();
        for _ in 0..40 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            src.extend_from_slice(frags[(seed % frags.len() as u64) as usize]);
        }
        let cut = (seed as usize) % (src.len() + 1);
        let _ = discover(&src[..cut]);
        let _ = chunk_refs(&src[..cut]);
    }
    let d = discover(br#"x.get(`https://API.x.test:443/v1/orders/${o.id}`)"#);
    assert_eq!(d.calls[0].path, "/v1/orders/{id}");
}

#[test]
fn jquery_and_nuxt_fetch_calls() {
    let d = discover(
        br#"$.ajax({url:"/accounts/login/",type:"POST",data:{login:e,password:t},xhrFields:{withCredentials:true}}).done(function(n){location.href="/"});$.post("/accounts/logout/",{});"#,
    );
    let login = d.login.as_ref().unwrap();
    assert_eq!(login.call.client, Client::JQuery);
    assert_eq!(login.call.method.as_deref(), Some("POST"));
    let body = login.body.as_ref().unwrap();
    assert_eq!(
        (body.encoding, body.fields.clone()),
        (Encoding::Form, strings(&["login", "password"]))
    );
    assert_eq!(d.credentials, CredentialsMode::Include);
    call(&d, "POST", "/accounts/logout/");
    let d = discover(
        br#"const c={apiRoot:"https://api.nuxt.test"};async function l(e,t){const{token:n}=await $fetch("/auth/login",{baseURL:c.apiRoot,method:"POST",body:{email:e,password:t}});return n}"#,
    );
    assert_eq!(d.api_bases, ["https://api.nuxt.test"]);
    let login = d.login.as_ref().unwrap();
    assert_eq!(login.call.client, Client::Fetch);
    assert_eq!(login.body.as_ref().unwrap().fields, ["email", "password"]);
    assert_eq!(login.token_path, Some(strings(&["token"])));
}

#[test]
fn a_socket_url_built_in_a_variable_and_a_bracketed_authorization_header() {
    let d = discover(
        br#"function c(t){const e=n.apiBase.replace(/^http/,"ws")+"/ws/live/?token="+t,o=new WebSocket(e);return o}a.defaults.headers.common["Authorization"]="Token "+k;"#,
    );
    assert_eq!(d.websockets.len(), 1, "{:#?}", d.websockets);
    let ws = &d.websockets[0];
    assert_eq!(ws.pattern, "/ws/live/?token={param}");
    assert_eq!(ws.token_param.as_deref(), Some("token"));
    let scheme = Some("Token".to_string());
    assert_eq!(d.token_sent, Some(TokenSend::Authorization { scheme }));
}

#[test]
fn credentials_set_from_a_computed_value_are_dynamic() {
    let d = discover(b"function s(c){var x=new XMLHttpRequest;x.open(c[0],c[2]);x.withCredentials=c[1];x.send()}");
    assert_eq!(d.credentials, CredentialsMode::Dynamic);
    let d = discover(b"x.withCredentials=!1;fetch(u,{credentials:\"same-origin\"})");
    assert_eq!(d.credentials, CredentialsMode::Default);
    let d = discover(b"x.withCredentials=opts.c;axios.defaults.withCredentials=!0");
    assert_eq!(d.credentials, CredentialsMode::Include);
}

/// Helpers around the client, minified by esbuild 0.25 (sources in fixtures/bundles/src/).
#[test]
fn esbuild_fetch_helper_calls_with_their_methods_and_login_body() {
    let d = fixture("wrap-fetch.js");
    assert_eq!(
        paths(&d),
        [
            (Some("POST"), "/api/auth/login/"),
            (Some("GET"), "/api/users/me/"),
            (Some("GET"), "/api/orders/{param}/"),
            (Some("POST"), "/api/orders/{param}/cancel"),
            (Some("POST"), "/api/auth/token/refresh/"),
        ],
        "the helper's own fetch of base and parameter is no route"
    );
    let login = d.login.as_ref().unwrap();
    assert_eq!(
        login.call.url.as_deref(),
        Some("https://api.shop.test/api/auth/login/"),
        "the exact path, slash as written"
    );
    assert_eq!(login.call.client, Client::Fetch);
    let body = login.body.as_ref().unwrap();
    assert_eq!(
        (body.encoding, &body.fields[..]),
        (Encoding::Json, &strings(&["email", "password"])[..])
    );
    assert_eq!(login.token_path, Some(strings(&["access"])));
    assert_eq!(login.refresh_path, Some(strings(&["refresh"])));
    let refresh = d.refresh.as_ref().unwrap();
    assert_eq!(refresh.body.as_ref().unwrap().fields, ["refresh"]);
    assert_eq!(d.api_bases, ["https://api.shop.test/api"]);
}

#[test]
fn esbuild_axios_instance_helpers_and_a_request_function() {
    let d = fixture("wrap-axios.js");
    assert_eq!(
        paths(&d),
        [
            (Some("POST"), "/api-token-auth/"),
            (Some("GET"), "/accounts/me"),
            (Some("GET"), "/invoices/{param}"),
            (Some("POST"), "/invoices"),
            (Some("GET"), "/customers?page={param}"),
        ]
    );
    let login = d.login.as_ref().unwrap();
    assert_eq!(login.call.client, Client::Axios);
    assert_eq!(
        login.body.as_ref().unwrap().fields,
        ["username", "password"]
    );
    assert_eq!(login.token_path, Some(strings(&["token"])));
    // request() joins the base it computes (`window.__ENV__?.API_URL||…`) to its parameter.
    assert_eq!(
        call(&d, "POST", "/invoices").base_expr.as_deref(),
        Some("c")
    );
    let scheme = Some("Token".to_string());
    assert_eq!(d.token_sent, Some(TokenSend::Authorization { scheme }));
}

#[test]
fn esbuild_method_taking_helper_under_get_and_post_helpers() {
    let d = fixture("wrap-method.js");
    assert_eq!(
        paths(&d),
        [
            (Some("POST"), "/v2/sessions"),
            (Some("GET"), "/v2/projects"),
            (Some("GET"), "/v2/projects/{param}/tasks"),
        ]
    );
    let login = d.login.as_ref().unwrap();
    assert_eq!(login.call.base_expr.as_deref(), Some("c"));
    let body = login.body.as_ref().unwrap();
    assert_eq!(body.fields, ["login", "secret"]);
    assert_eq!(login.token_path, Some(strings(&["jwt"])));
}

#[test]
fn a_helper_name_rebound_in_another_scope_is_not_the_helper() {
    // `t` is the helper at the top, but a router's navigate inside `g` is also named `t`.
    let d = discover(
        br#"var a="https://api.x.test",t=(e,o)=>fetch(`${a}${e}`,o);function g(){let t=useNavigate();t("/login/done")}t("/auth/login",{method:"POST",body:JSON.stringify({email:x,password:y})});"#,
    );
    assert_eq!(paths(&d), [(Some("POST"), "/auth/login")]);
}

fn bytes(name: &str) -> Vec<u8> {
    let path = format!("{}/fixtures/bundles/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// webpack 5 production output (sources in fixtures/bundles/src/webpack-helper/): the helper
/// lives in module 672, exported as `E`; the entry and the lazy login chunk call `(0,r.E)(…)`.
#[test]
fn webpack_helper_module_called_from_the_entry_and_a_lazy_chunk() {
    let main = bytes("webpack-helper/main.b008886a.js");
    let chunk = bytes("webpack-helper/login.d4aef4c0.chunk.js");
    let other = bytes("webpack-helper/227.ecb2cc5e.chunk.js");
    // `"static/js/"+(966===e?"login":e)+"."+{227:…,966:…}[e]+".chunk.js"`
    assert_eq!(
        chunk_refs(&main),
        [
            "static/js/227.ecb2cc5e.chunk.js",
            "static/js/login.d4aef4c0.chunk.js"
        ]
    );
    let d = discover_scripts(&[&main, &chunk, &other]);
    assert_eq!(
        paths(&d),
        [
            (Some("GET"), "/api/v2/projects/"),
            (Some("POST"), "/api/v2/auth/login/"),
            (Some("GET"), "/api/v2/auth/me/"),
            (Some("PATCH"), "/api/v2/settings/"),
        ]
    );
    let login = d.login.as_ref().unwrap();
    assert_eq!(
        login.call.url.as_deref(),
        Some("https://api.wp.test/api/v2/auth/login/")
    );
    assert_eq!(login.body.as_ref().unwrap().fields, ["email", "password"]);
    assert_eq!(login.token_path, Some(strings(&["access"])));
    let scheme = Some("Bearer".to_string());
    assert_eq!(d.token_sent, Some(TokenSend::Authorization { scheme }));
    // The chunk alone does not know the helper: no call is made up from it.
    assert!(discover(&chunk).calls.is_empty());
}

#[test]
fn webpack_named_chunk_maps_are_expanded() {
    let js = br#"n.u=e=>"static/js/"+{472:"settings",966:"login"}[e]+"."+{472:"d6d67583",966:"d4aef4c0"}[e]+".chunk.js";a.u=e=>"js/"+({5:"auth"}[e]||e)+"."+{5:"aa",7:"bb"}[e]+".js""#;
    assert_eq!(
        chunk_refs(js),
        [
            "static/js/settings.d6d67583.chunk.js",
            "static/js/login.d4aef4c0.chunk.js",
            "js/auth.aa.js",
            "js/7.bb.js"
        ]
    );
}

/// ES-module chunks as Vite/Rollup emit them (built with esbuild --splitting; sources in
/// fixtures/bundles/src/esm-split/): `export{a as b}` in a shared chunk, `import{b as n}` in the
/// entry and the lazy login chunk.
#[test]
fn es_module_chunks_importing_the_helper() {
    let entry = bytes("esm-split/assets/index-IRXEKR64.js");
    let shared = bytes("esm-split/assets/chunk-TQUZ5KP2.js");
    let login = bytes("esm-split/assets/login-JBWYNI4N.js");
    assert_eq!(
        chunk_refs(&entry),
        ["./chunk-TQUZ5KP2.js", "./login-JBWYNI4N.js"]
    );
    let d = discover_scripts(&[&entry, &shared, &login]);
    assert_eq!(
        paths(&d),
        [
            (Some("GET"), "/v1/boards"),
            (Some("POST"), "/v1/auth/sign-in")
        ]
    );
    let l = d.login.as_ref().unwrap();
    assert_eq!(
        l.call.url.as_deref(),
        Some("https://api.esm.test/v1/auth/sign-in")
    );
    assert_eq!(l.body.as_ref().unwrap().fields, ["username", "password"]);
    assert_eq!(l.token_path, Some(strings(&["access"])));
}

#[test]
fn a_class_method_helper_and_an_object_of_helpers() {
    // A client class whose request() joins its base to the path; calls as this.request(…).
    let d = discover(
        br#"class C{constructor(e){this.base=e}request(e,t={}){return fetch(this.base+e,{credentials:"include",...t})}login(e,t){return this.request("/session/",{method:"POST",body:JSON.stringify({login:e,pass:t})})}me(){return this.request("/session/me")}}"#,
    );
    assert_eq!(
        paths(&d),
        [(Some("POST"), "/session/"), (Some("GET"), "/session/me")]
    );
    let login = d.login.as_ref().unwrap();
    assert_eq!(login.call.base_expr.as_deref(), Some("this.base"));
    assert_eq!(login.body.as_ref().unwrap().fields, ["login", "pass"]);
    // get/post helpers on an object over a fetch helper.
    let d = discover(
        br#"const B="/api",r=(e,t)=>fetch(B+e,t).then(n=>n.json()),api={get:e=>r(e),post:(e,t)=>r(e,{method:"POST",body:JSON.stringify(t)})};api.post("/auth/login",{email:x,password:y});api.get("/orders");"#,
    );
    assert_eq!(
        paths(&d),
        [(Some("POST"), "/auth/login"), (Some("GET"), "/orders")]
    );
    assert_eq!(
        d.login.as_ref().unwrap().body.as_ref().unwrap().fields,
        ["email", "password"]
    );
}

#[test]
fn a_path_held_in_a_constant() {
    let d = discover(
        br#"const L="/auth/login/",M="https://api.x.test/me",r=(e,t)=>fetch(`${B}${e}`,t);r(L,{method:"POST",body:JSON.stringify({email:a,password:b})});fetch(M);"#,
    );
    assert_eq!(
        paths(&d),
        [(Some("POST"), "/auth/login/"), (Some("GET"), "/me")]
    );
    assert_eq!(
        d.login.as_ref().unwrap().call.base_expr.as_deref(),
        Some("B")
    );
    // A name that holds no string constant is no call.
    assert!(discover(br#"fetch(u);x.get(k);"#).calls.is_empty());
}

/// webpack 4 (Create React App 4) shapes: modules in an array-push chunk keyed by id,
/// `n.d(t,"a",(function(){return s}))` exports, `Object(r.a)(…)` calls.
#[test]
fn webpack4_exports_and_object_wrapped_calls() {
    let main = br#"(this.webpackJsonpapp=this.webpackJsonpapp||[]).push([[0],{14:function(e,t,n){"use strict";n.d(t,"a",(function(){return o}));var r="https://api.w4.test";function o(e,t){return fetch(r+e,Object.assign({headers:{"Content-Type":"application/json"}},t)).then((function(e){return e.json()}))}},31:function(e,t,n){"use strict";n.r(t);var r=n(14);function a(e,t){return Object(r.a)("/auth/jwt/create/",{method:"POST",body:JSON.stringify({email:e,password:t})})}Object(r.a)("/projects/")}}]);"#;
    let d = discover(main);
    assert_eq!(
        paths(&d),
        [
            (Some("POST"), "/auth/jwt/create/"),
            (Some("GET"), "/projects/")
        ]
    );
    assert_eq!(
        d.login.as_ref().unwrap().call.url.as_deref(),
        Some("https://api.w4.test/auth/jwt/create/")
    );
}

#[test]
fn deeply_nested_options_end() {
    let mut js = String::from(r#"const r=(e,t)=>fetch(B+e,"#);
    js.push_str(&"{...".repeat(5_000));
    js.push('t');
    js.push_str(&"}".repeat(5_000));
    js.push_str(r#");r("/x",{method:"POST"});"#);
    // No stack overflow: the helper is found, its options too deep to read (fetch's default).
    let d = discover(js.as_bytes());
    assert_eq!(paths(&d), [(Some("GET"), "/x")]);
}

/// The same app built by webpack 5 in development mode (module ids are paths, getters
/// parenthesized: `request: () => (/* binding */ request)`).
#[test]
fn webpack_development_build_helper_across_modules() {
    let main = bytes("webpack-helper-dev/main.c50a2060.js");
    let login = bytes("webpack-helper-dev/login.967dfac2.chunk.js");
    assert_eq!(
        chunk_refs(&main),
        [
            "static/js/login.967dfac2.chunk.js",
            "static/js/src_settings_js.13bda97c.chunk.js"
        ]
    );
    let d = discover_scripts(&[&main, &login]);
    assert_eq!(
        paths(&d),
        [
            (Some("GET"), "/api/v2/projects/"),
            (Some("POST"), "/api/v2/auth/login/"),
            (Some("GET"), "/api/v2/auth/me/"),
        ]
    );
    assert_eq!(
        d.login.as_ref().unwrap().body.as_ref().unwrap().fields,
        ["email", "password"]
    );
}
