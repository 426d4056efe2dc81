//! The shared HTTP client against the lab: concurrent requests to a new HTTP/2 origin share one
//! connection (one TLS handshake), as in a browser.
use conncheck::lab::{Lab, LabOptions};
use conncheck::net::dns::DnsClient;
use conncheck::net::http::{HttpClient, HttpRequest};
use conncheck::net::tls::TrustStore;
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn concurrent_requests_share_one_h2_connection() {
    let lab = Lab::start(
        conncheck::lab::scenarios::find("healthy").unwrap(),
        LabOptions { delay_ms: 50 },
    )
    .await
    .unwrap();
    let dns = Arc::new(DnsClient::with_servers(
        vec![lab.dns_addr],
        Duration::from_secs(5),
    ));
    let trust = TrustStore::new(std::slice::from_ref(&lab.ca_file)).unwrap();
    let http = HttpClient::new(dns, &trust, Duration::from_secs(10)).unwrap();
    let url = url::Url::parse(&format!(
        "{}/health/",
        lab.state.https_url("api.tiktrue.test")
    ))
    .unwrap();
    let reqs = (0..20).map(|_| http.send(HttpRequest::get(url.clone())));
    let results = futures::future::join_all(reqs).await;
    for r in &results {
        let ex = r.as_ref().expect("request succeeds");
        assert_eq!(ex.status.as_u16(), 200);
        assert_eq!(ex.version, http::Version::HTTP_2);
    }
    assert_eq!(
        lab.handshakes().get("api.tiktrue.test"),
        Some(&1),
        "{:?}",
        lab.handshakes()
    );
    assert_eq!(lab.connections(), 1);
    lab.shutdown().await;
}
