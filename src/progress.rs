//! The live progress line on stderr: "conncheck [3/8] running cors, endpoints, jwt · 17 rows · 4s"
//! (modules done / selected, the ones still running, rows so far, time so far).
//! Shown only when stderr is a terminal and the output is the table (main decides); erased before
//! the report is printed, so piped or CI output never contains it.

use crate::engine::model::Module;
use crate::engine::runner::{Progress, ProgressEvent};
use std::io::Write;
use std::sync::{Arc, Mutex};

/// What the line shows.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct State {
    pub total: usize,
    pub done: usize,
    pub running: Vec<Module>,
    pub rows: usize,
    /// Whole seconds since the run started.
    pub elapsed_s: u64,
    /// The line was erased for good: draw nothing more.
    pub closed: bool,
}

impl State {
    pub fn apply(&mut self, ev: ProgressEvent) {
        match ev {
            ProgressEvent::Started(m) => {
                if !self.running.contains(&m) {
                    self.running.push(m);
                }
            }
            ProgressEvent::Finished(m, rows) => {
                self.running.retain(|r| *r != m);
                self.done += 1;
                self.rows += rows;
            }
        }
    }

    /// The line, without control characters, at most `width` characters.
    pub fn line(&self, width: usize) -> String {
        let running: Vec<&str> = self.running.iter().map(|m| m.name()).collect();
        let what = if running.is_empty() && self.done == 0 {
            "starting".to_string()
        } else if running.is_empty() {
            "finishing".to_string()
        } else {
            format!("running {}", running.join(", "))
        };
        let s = format!(
            "conncheck [{}/{}] {what} · {} rows · {}s",
            self.done, self.total, self.rows, self.elapsed_s
        );
        if s.chars().count() > width {
            s.chars().take(width.saturating_sub(1)).collect::<String>() + "…"
        } else {
            s
        }
    }
}

/// A progress line drawn on stderr, redrawn on every module event and once a second (so a slow
/// check still shows time passing). Dropping it (or [`Line::finish`]) erases the line.
pub struct Line {
    state: Arc<Mutex<State>>,
    ticker: Option<tokio::task::JoinHandle<()>>,
}

const ERASE: &str = "\r\x1b[2K";

/// The width of the terminal stderr is (`COLUMNS` when set).
fn stderr_width() -> usize {
    if let Some(c) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        return c;
    }
    terminal_size::terminal_size_of(std::io::stderr())
        .map(|(terminal_size::Width(w), _)| usize::from(w))
        .unwrap_or(80)
}

fn draw(state: &State) {
    if state.closed {
        return;
    }
    let mut err = std::io::stderr().lock();
    // One column short of the terminal: a line that fills the last column makes some terminals
    // wrap, and `\r` then returns to the wrapped half, leaving debris.
    let _ = write!(
        err,
        "{ERASE}{}",
        state.line(stderr_width().saturating_sub(1).max(20))
    );
    let _ = err.flush();
}

impl Line {
    /// Start the line (and its ticker: call inside a tokio runtime).
    pub fn new(total: usize) -> Line {
        let state = Arc::new(Mutex::new(State {
            total,
            ..State::default()
        }));
        draw(&state.lock().unwrap());
        let started = std::time::Instant::now();
        let s = Arc::clone(&state);
        let ticker = tokio::spawn(async move {
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(1));
            tick.tick().await;
            loop {
                tick.tick().await;
                let mut st = s.lock().unwrap();
                st.elapsed_s = started.elapsed().as_secs();
                draw(&st);
            }
        });
        Line {
            state,
            ticker: Some(ticker),
        }
    }

    /// The runner callback that updates and redraws the line.
    pub fn callback(&self) -> Progress {
        let state = Arc::clone(&self.state);
        Arc::new(move |ev| {
            let mut s = state.lock().unwrap();
            s.apply(ev);
            draw(&s);
        })
    }

    pub fn finish(self) {}
}

impl Drop for Line {
    fn drop(&mut self) {
        if let Some(t) = self.ticker.take() {
            t.abort();
        }
        // A tick or a module event in flight must not redraw after the erase.
        let mut st = self.state.lock().unwrap();
        st.closed = true;
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "{ERASE}");
        let _ = err.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_counts_done_running_and_rows() {
        let mut s = State {
            total: 3,
            ..State::default()
        };
        assert_eq!(s.line(80), "conncheck [0/3] starting · 0 rows · 0s");
        for ev in [
            ProgressEvent::Started(Module::Dns),
            ProgressEvent::Started(Module::Cors),
            ProgressEvent::Started(Module::Jwt),
            ProgressEvent::Finished(Module::Cors, 4),
        ] {
            s.apply(ev);
        }
        assert_eq!(s.line(80), "conncheck [1/3] running dns, jwt · 4 rows · 0s");
        assert_eq!(s.line(12).chars().count(), 12);
        s.apply(ProgressEvent::Finished(Module::Dns, 3));
        s.apply(ProgressEvent::Finished(Module::Jwt, 6));
        s.elapsed_s = 12;
        assert_eq!(s.line(80), "conncheck [3/3] finishing · 13 rows · 12s");
    }
}
