//! Queue a file on a printer the way the wizard's `p` will, to try a print server by hand:
//! `cargo run --example lp_print -- PRINTER CASE_NUMBER FILE`.

use std::process::ExitCode;

use guantong::print::lp::Lp;
use guantong::safe;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [printer, case, file] = args.as_slice() else {
        eprintln!("usage: lp_print PRINTER CASE_NUMBER FILE");
        return ExitCode::from(2);
    };
    match Lp::default().print(printer, case, std::path::Path::new(file)) {
        Ok(job) => {
            let id = job.id.unwrap_or_default();
            println!("{}", safe::line(&format!("queued: {id}")));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", safe::text(&e.to_string()));
            ExitCode::FAILURE
        }
    }
}
