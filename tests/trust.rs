//! The browser's trust: a chain anchored in the operating system's store (a company CA on a
//! managed laptop) passes, and the row names that store. SSL_CERT_FILE points the OS store at
//! the lab's CA (rustls-native-certs reads it as OpenSSL does); no --ca-cert is given.
mod common;
use common::*;
use conncheck::engine::model::Status;
use conncheck::lab::{Lab, LabOptions};

/// The lab's arguments without `--ca-cert FILE`.
fn args_without_ca(lab: &Lab) -> Vec<String> {
    let mut out = Vec::new();
    let mut it = lab.args().into_iter();
    while let Some(a) = it.next() {
        if a == "--ca-cert" {
            it.next();
            continue;
        }
        out.push(a);
    }
    out
}

async fn run_tls(lab: &Lab, ssl_cert_file: Option<&std::path::Path>) -> Run {
    let mut cmd = tokio::process::Command::new(bin());
    cmd.args(args_without_ca(lab))
        .args(["--format", "json", "--deadline", "60", "--only", "tls"])
        .env_remove("SSL_CERT_FILE")
        .env_remove("SSL_CERT_DIR")
        .env_remove("CONNCHECK_USERNAME")
        .env_remove("CONNCHECK_PASSWORD")
        .env("NO_COLOR", "1");
    for v in PROXY_VARS {
        cmd.env_remove(v);
    }
    if let Some(f) = ssl_cert_file {
        cmd.env("SSL_CERT_FILE", f);
    }
    parse(cmd.output().await.expect("conncheck runs"))
}

#[tokio::test]
async fn a_chain_trusted_by_the_os_store_passes_naming_the_store() {
    let s = conncheck::lab::scenarios::find("healthy").expect("scenario exists");
    let lab = Lab::start(s, LabOptions::default())
        .await
        .expect("lab starts");

    let r = run_tls(&lab, Some(&lab.ca_file)).await;
    let chain = r.find("tls.chain", Status::Pass);
    assert!(
        chain
            .detail
            .contains("Trusted by the operating system's trust store (SSL_CERT_FILE="),
        "{}",
        chain.detail
    );

    // Without the OS store knowing the CA, the same chain is untrusted.
    let r = run_tls(&lab, None).await;
    assert_eq!(r.status("tls.chain"), Status::Fail, "{}", r.stdout);
    lab.shutdown().await;
}
