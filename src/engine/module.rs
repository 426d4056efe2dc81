//! The check modules and the checklist sections they report under.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The sections of the diagnostic checklist, in the order an expert works through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Section {
    #[serde(rename = "1 Domain & DNS")]
    Dns = 1,
    #[serde(rename = "2 TLS certificate")]
    Tls = 2,
    #[serde(rename = "3 HTTPS & security headers")]
    Https = 3,
    #[serde(rename = "4 CORS")]
    Cors = 4,
    #[serde(rename = "5 API endpoints")]
    Endpoints = 5,
    #[serde(rename = "6 Authentication (JWT)")]
    Auth = 6,
    #[serde(rename = "7 Frontend (mixed content)")]
    Frontend = 7,
    #[serde(rename = "8 WebSocket")]
    WebSocket = 8,
}

impl Section {
    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn name(self) -> &'static str {
        match self {
            Section::Dns => "Domain & DNS",
            Section::Tls => "TLS certificate",
            Section::Https => "HTTPS & security headers",
            Section::Cors => "CORS",
            Section::Endpoints => "API endpoints",
            Section::Auth => "Authentication (JWT)",
            Section::Frontend => "Frontend (mixed content)",
            Section::WebSocket => "WebSocket",
        }
    }

    pub fn label(self) -> String {
        format!("{} {}", self.number(), self.name())
    }
}

/// The check modules. The registry in `checks` maps each to its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Module {
    Dns,
    Tls,
    Https,
    Cors,
    Endpoints,
    Jwt,
    Frontend,
    Websocket,
}

impl Module {
    /// Every module, in checklist order.
    pub const ALL: [Module; 8] = [
        Module::Dns,
        Module::Tls,
        Module::Https,
        Module::Cors,
        Module::Endpoints,
        Module::Jwt,
        Module::Frontend,
        Module::Websocket,
    ];

    /// The module with this name (`cors`).
    pub fn from_name(name: &str) -> Option<Module> {
        Module::ALL.into_iter().find(|m| m.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Module::Dns => "dns",
            Module::Tls => "tls",
            Module::Https => "https",
            Module::Cors => "cors",
            Module::Endpoints => "endpoints",
            Module::Jwt => "jwt",
            Module::Frontend => "frontend",
            Module::Websocket => "websocket",
        }
    }

    pub fn section(self) -> Section {
        match self {
            Module::Dns => Section::Dns,
            Module::Tls => Section::Tls,
            Module::Https => Section::Https,
            Module::Cors => Section::Cors,
            Module::Endpoints => Section::Endpoints,
            Module::Jwt => Section::Auth,
            Module::Frontend => Section::Frontend,
            Module::Websocket => Section::WebSocket,
        }
    }
}

impl fmt::Display for Module {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
