//! `conncheck explain "<text>"`: from what a user saw to the likely causes, ranked, and — run
//! against a TARGET — which cause the deployment shows.
//!
//! - [`phrases`]: recognising pasted text (the only place that reads text, and it is the
//!   customer's, never a row's);
//! - [`catalog`]: every cause, and the rows and typed fault keys that confirm it;
//! - [`judge`]: which cause a run confirms, by each finding's `Row` and `Fault`, never its words;
//! - [`model`]: the one answer every renderer (text, JSON, Markdown) shows.
//!
//! The run itself lives in the `explain` command; this module is pure.

pub mod catalog;
mod causes;
pub mod judge;
pub mod model;
pub mod paste;
pub mod phrases;

#[cfg(test)]
mod tests;

pub use catalog::{cause, Category, Cause, Sign, CAUSES};
pub use judge::{judge, seen, Seen, Verdict};
pub use model::{answer, Answer, Listed};
pub use paste::redact_pasted;

use crate::engine::model::Module;

/// What `explain` concluded from the text alone.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// The pasted text, credentials masked.
    pub input: String,
    /// What each matched pattern says the message means, in match order.
    pub means: Vec<&'static str>,
    /// Likely causes, most likely first.
    pub causes: Vec<&'static Cause>,
    /// Some pattern or category matched (false: the generic list for an unrecognised text).
    pub recognised: bool,
}

/// Rank the causes of a pasted message: the causes of every recognised phrase, most specific
/// first; else the categories the text speaks of (database, token, WebSocket, timeout, proxy…);
/// else the usual causes of a frontend that cannot reach its API.
pub fn explain(text: &str) -> Explanation {
    let (mut means, mut ids) = phrases::recognise(&phrases::normalise(text));
    let recognised = !ids.is_empty();
    if !recognised {
        means.push("not a message conncheck recognises; these are the usual causes of a frontend that cannot reach its API");
        ids.extend(phrases::GENERIC.iter().copied());
    }
    Explanation {
        input: redact_pasted(text),
        means,
        causes: ids.into_iter().map(cause).collect(),
        recognised,
    }
}

impl Explanation {
    /// The modules whose rows test these causes, in registry order. When no check can see any
    /// of them (an extension on the user's machine), the usual causes' modules: a run that
    /// passes then says the deployment is fine.
    pub fn modules(&self) -> Vec<Module> {
        let of = |causes: &mut dyn Iterator<Item = &'static Cause>| -> Vec<Module> {
            causes.flat_map(|c| c.rows()).map(|r| r.module()).collect()
        };
        let mut wanted = of(&mut self.causes.iter().copied());
        if wanted.is_empty() {
            wanted = of(&mut phrases::GENERIC.iter().map(|id| cause(id)));
        }
        Module::ALL
            .into_iter()
            .filter(|m| wanted.contains(m))
            .collect()
    }

    /// The rows these causes need, for a message when none of their checks can run.
    pub fn needs(&self) -> String {
        let mut rows: Vec<String> = Vec::new();
        for r in self.causes.iter().flat_map(|c| c.rows()) {
            if !rows.contains(&r.pattern()) {
                rows.push(r.pattern());
            }
        }
        if rows.is_empty() {
            "no check of conncheck can see these causes".to_string()
        } else {
            rows.join(", ")
        }
    }
}
