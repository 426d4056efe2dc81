//! [`CorsFault`] on the engine's spine: key and scope from `judge.rs`, the headline from
//! `words.rs` (kept here so judging never imports wording).

use super::judge::CorsFault;
use crate::engine::{FaultKind, Row};

impl FaultKind for CorsFault {
    fn key(&self) -> &'static str {
        self.kind_key()
    }

    /// The API host: a duplicated header seen on sixteen calls from two origins, or two origins
    /// missing from one allow-list, is one configuration mistake.
    fn scope(&self) -> String {
        self.host().to_string()
    }

    fn depends_on(&self) -> Option<Row> {
        self.dependent().then_some(Row::CorsPreflight)
    }

    fn headline(&self) -> Option<String> {
        Some(super::words::headline(self))
    }
}
