//! Renders a `report.json` to `report.html` and prints the terminal summary.
//!
//! `cargo run -p distillguard-report --example render -- REPORT.json OUT.html`
//! (used by `.ci/checks/30-report-browser.sh` to look at the page in a real browser).

use std::process::ExitCode;

use distillguard_model::report::Report;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        eprintln!("usage: render REPORT.json OUT.html");
        return ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(input) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("cannot read {input}: {err}");
            return ExitCode::from(2);
        }
    };
    let report: Report = match serde_json::from_str(&text) {
        Ok(report) => report,
        Err(err) => {
            eprintln!("{input} is not a report.json: {err}");
            return ExitCode::from(2);
        }
    };
    let page = distillguard_report::render_html(&report);
    if let Err(err) = std::fs::write(output, &page) {
        eprintln!("cannot write {output}: {err}");
        return ExitCode::from(1);
    }
    print!("{}", distillguard_report::render_summary(&report, 100));
    println!("wrote {output} ({} bytes)", page.len());
    ExitCode::SUCCESS
}
