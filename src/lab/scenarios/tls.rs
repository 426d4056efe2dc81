//! Section 2 faults: the certificate or the TLS listener of one host is wrong.
use super::Scenario;
use crate::lab::pki::CertKind;

pub fn list() -> Vec<Scenario> {
    vec![
        Scenario::fault(
            "tls-expired",
            "the API's certificate expired 30 days ago (renewal stopped)",
            |s| {
                s.certs.insert(s.names.api.clone(), CertKind::Expired);
            },
        ),
        Scenario::fault(
            "tls-not-yet-valid",
            "the API's certificate starts in 10 days (issued with a wrong clock)",
            |s| {
                s.certs.insert(s.names.api.clone(), CertKind::NotYetValid);
            },
        ),
        Scenario::fault(
            "tls-wrong-host",
            "www's certificate covers only the apex name, though both are origins",
            |s| {
                let www = s.names.www.clone().expect("the healthy lab has www");
                s.certs
                    .insert(www, CertKind::WrongHost(s.names.apex.clone()));
            },
        ),
        Scenario::fault(
            "tls-self-signed",
            "the API presents a self-signed certificate",
            |s| {
                s.certs.insert(s.names.api.clone(), CertKind::SelfSigned);
            },
        ),
        Scenario::fault(
            "tls-missing-intermediate",
            "the API sends its leaf without the intermediate: Chrome works (AIA), curl/Node/Android fail",
            |s| {
                s.certs
                    .insert(s.names.api.clone(), CertKind::MissingIntermediate);
            },
        ),
        Scenario::fault(
            "tls-expiring-soon",
            "the API's certificate expires in 5 days (auto-renewal is not running)",
            |s| {
                s.certs.insert(s.names.api.clone(), CertKind::ExpiringIn(5));
            },
        ),
        Scenario::fault(
            "tls-wrong-order",
            "the API sends its chain out of order and includes the root (it still verifies: a warning)",
            |s| {
                s.certs.insert(s.names.api.clone(), CertKind::WrongOrder);
            },
        ),
        Scenario::fault(
            "tls-not-tls",
            "the API's HTTPS port answers in plain HTTP (TLS is not terminated there)",
            |s| {
                s.not_tls.push(s.names.api.clone());
            },
        ),
    ]
}
