//! One deadline for a whole multi-target run: each deployment's diagnosis gets its own
//! `--deadline` or whatever is left of the run's, whichever is shorter, so `--deadline 3` bounds
//! the run however many targets there are.

use crate::cli::Config;
use std::time::{Duration, Instant};

/// The least a diagnosis is given, so one that starts at the deadline still reports (every row
/// "timed out") instead of not running.
pub const FLOOR: Duration = Duration::from_millis(50);

/// The end of a multi-target run.
#[derive(Debug, Clone, Copy)]
pub struct RunDeadline {
    end: Instant,
}

impl RunDeadline {
    /// A run that must end `total` from now.
    pub fn starting_now(total: Duration) -> RunDeadline {
        RunDeadline {
            end: Instant::now() + total,
        }
    }

    /// What is left of the run (at least [`FLOOR`]).
    pub fn remaining(&self) -> Duration {
        self.end
            .saturating_duration_since(Instant::now())
            .max(FLOOR)
    }

    /// `config` with its deadline (and step timeout) cut to what is left of the run.
    pub fn bound(&self, config: &Config) -> Config {
        let mut c = config.clone();
        let left = self.remaining();
        c.opts.deadline = c.opts.deadline.min(left);
        c.opts.timeout = c.opts.timeout.min(left);
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_left_never_grows_and_never_reaches_zero() {
        let d = RunDeadline::starting_now(Duration::from_secs(3));
        assert!(d.remaining() <= Duration::from_secs(3));
        let past = RunDeadline::starting_now(Duration::ZERO);
        assert_eq!(past.remaining(), FLOOR);
    }
}
