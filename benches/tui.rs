//! The wizard against a byte-counting writer at 80x24: bytes of the first frame, bytes per
//! selection move in a choice list, bytes per answered question, time per keystroke
//! (update + evaluation + render) and time to the first frame. Each frame is drawn as the
//! terminal loop draws it (synchronized update, ratatui's diff). Prints the figures.
//!
//! `cargo bench --bench tui`

#[path = "../tests/tui_common/mod.rs"]
mod tui_common;

use std::cell::Cell;
use std::io::{self, Write};
use std::rc::Rc;
use std::time::{Duration, Instant};

use guantong::questionnaire;
use guantong::text::Lang;
use guantong::tui::msg::Msg;
use guantong::tui::script::{answer_keys, current_fact};
use guantong::tui::term::draw_frame;
use guantong::tui::{App, Clock, Theme};
use jiff::civil::date;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

#[derive(Clone, Default)]
struct Counter(Rc<Cell<usize>>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.set(self.0.get() + buf.len());
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

type Term = Terminal<CrosstermBackend<Counter>>;

fn terminal(counter: &Counter) -> Term {
    Terminal::with_options(
        CrosstermBackend::new(counter.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 80, 24)),
        },
    )
    .expect("terminal")
}

fn clock() -> Clock {
    Clock {
        today: date(2026, 6, 15),
        now: "2026-06-15T02:30:00Z".parse().expect("timestamp"),
    }
}

const S2T: &[(&str, &str)] = tui_common::EXAMPLE_S2T;

fn main() {
    // First frame: load the embedded questionnaire, build the state (first evaluation),
    // draw. Best of several runs, and the first (cold) one.
    let mut first_times = Vec::new();
    let mut first_bytes = 0;
    for _ in 0..20 {
        let counter = Counter::default();
        let t0 = Instant::now();
        let q = questionnaire::embedded().expect("questionnaire");
        let app = App::new(q, Lang::Zh, Theme::default(), clock());
        let mut term = terminal(&counter);
        draw_frame(&mut term, &app).expect("draw");
        first_times.push(t0.elapsed());
        first_bytes = counter.0.get();
    }

    // The interview, key by key, drawn after each key as the run loop does. Run it many
    // times: the machine is shared, so single timings are noisy; the byte counts are the
    // same every run.
    const RUNS: usize = 30;
    let mut key_times: Vec<Duration> = Vec::new();
    let mut per_key_best: Vec<Duration> = Vec::new();
    let mut answered_bytes = Vec::new();
    let mut move_bytes = Vec::new();
    for run in 0..RUNS {
        let counter = Counter::default();
        let q = questionnaire::embedded().expect("questionnaire");
        let mut app = App::new(q, Lang::Zh, Theme::default(), clock());
        let mut term = terminal(&counter);
        draw_frame(&mut term, &app).expect("draw");
        let mut times: Vec<Duration> = Vec::new();
        let mut press = |app: &mut App, term: &mut Term, m: Msg| -> usize {
            let before = counter.0.get();
            let t0 = Instant::now();
            let _effects = app.update(m);
            draw_frame(term, app).expect("draw");
            times.push(t0.elapsed());
            counter.0.get() - before
        };
        press(&mut app, &mut term, Msg::Enter); // home: new interview
        for (fact, value) in S2T {
            assert_eq!(current_fact(&app), Some(*fact), "script out of step");
            if *fact == "title_series" {
                // Selection moves in a CJK choice list: down through it and back.
                for _ in 0..6 {
                    let b = press(&mut app, &mut term, Msg::Down);
                    if run == 0 {
                        move_bytes.push(b);
                    }
                }
                for _ in 0..6 {
                    let b = press(&mut app, &mut term, Msg::Up);
                    if run == 0 {
                        move_bytes.push(b);
                    }
                }
            }
            let mut bytes = 0;
            for m in answer_keys(&app, value) {
                bytes += press(&mut app, &mut term, m);
            }
            if run == 0 {
                answered_bytes.push(bytes);
            }
        }
        assert!(app.overlay.is_none());
        assert_eq!(app.kind(), guantong::tui::Kind::Outcome);
        if per_key_best.is_empty() {
            per_key_best = times.clone();
        }
        for (b, t) in per_key_best.iter_mut().zip(&times) {
            *b = (*b).min(*t);
        }
        key_times.extend(times);
    }
    let worst_key_best = per_key_best.iter().max().copied().unwrap_or_default();

    let avg = |v: &[usize]| v.iter().sum::<usize>() as f64 / v.len().max(1) as f64;
    let mut sorted = key_times.clone();
    sorted.sort();
    let mean = sorted.iter().sum::<Duration>() / sorted.len().max(1) as u32;
    let p50 = sorted[sorted.len() / 2];
    let p99 = sorted[(sorted.len() * 99 / 100).min(sorted.len() - 1)];
    let max = sorted.last().copied().unwrap_or_default();
    let first_best = first_times.iter().min().copied().unwrap_or_default();
    let first_cold = first_times.first().copied().unwrap_or_default();

    println!("guantong wizard at 80x24 (byte-counting writer, synchronized updates included)");
    println!("  first frame:               {first_bytes} bytes");
    println!(
        "  first frame time:          {:.2} ms cold, {:.2} ms best (load + evaluate + draw; target < 50 ms)",
        first_cold.as_secs_f64() * 1e3,
        first_best.as_secs_f64() * 1e3
    );
    println!(
        "  selection move (CJK list): {:.1} bytes on average, {} max (target < 100)",
        avg(&move_bytes),
        move_bytes.iter().max().copied().unwrap_or(0)
    );
    println!(
        "  answered question:         {:.0} bytes on average over {} questions ({} keys)",
        avg(&answered_bytes),
        answered_bytes.len(),
        per_key_best.len()
    );
    println!(
        "  keystroke (update + evaluation + render), {} keys x {RUNS} runs: mean {:.3} ms, p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms (target < 2 ms)",
        per_key_best.len(),
        mean.as_secs_f64() * 1e3,
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
    println!(
        "  slowest keystroke, best of {RUNS} runs (scheduling noise removed): {:.3} ms",
        worst_key_best.as_secs_f64() * 1e3
    );
}
