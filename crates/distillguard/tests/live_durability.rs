//! Issue 5: after `kill -9` and a restart of the real `distillguard serve`, no
//! acknowledged exchange, verdict or analyst action is lost, and detection continues
//! where it was.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

struct Server {
    child: Child,
    base: String,
    token: String,
}

fn start(data: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_distillguard"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .args(["--analyze-every", "1000000", "--analyze-interval-s", "3600"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut base = None;
    for line in lines.by_ref() {
        let line = line.expect("line");
        if let Some(rest) = line.strip_prefix("listening on ") {
            base = rest.split('/').nth(2).map(|host| format!("http://{host}"));
            break;
        }
    }
    // Keep draining stdout so the server never writes to a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    let base = base.expect("serve printed its address");
    let token = std::fs::read_to_string(data.join("admin.token"))
        .expect("admin token")
        .trim()
        .to_string();
    Server { child, base, token }
}

impl Server {
    fn post(&self, path: &str, body: &str) -> Value {
        let response = ureq::post(&format!("{}{path}", self.base))
            .set("authorization", &format!("Bearer {}", self.token))
            .send_string(body)
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        response.into_json().expect("json")
    }

    fn get(&self, path: &str) -> Value {
        ureq::get(&format!("{}{path}", self.base))
            .set("authorization", &format!("Bearer {}", self.token))
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"))
            .into_json()
            .expect("json")
    }

    fn kill_9(mut self) {
        // Child::kill sends SIGKILL on Unix: no shutdown code runs.
        self.child.kill().expect("kill");
        self.child.wait().expect("wait");
    }
}

fn batch(from: usize, to: usize) -> String {
    (from..to)
        .map(|i| {
            json!({
                "ts": 1_700_000_000_000i64 + i as i64 * 1_000,
                "account_id": format!("acct-{}", i % 7),
                "request_id": format!("req-{i}"),
                "model": "m-1",
                "prompt": format!("Question {i}: explain step by step"),
                "output_tokens": 100 + i,
            })
            .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn kill_9_and_restart_lose_nothing_acknowledged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let server = start(&data);
    let mut acknowledged = 0;
    for (from, to) in [(0, 150), (150, 300)] {
        acknowledged += server.post("/v1/exchanges", &batch(from, to))["accepted"]
            .as_u64()
            .expect("accepted");
    }
    assert_eq!(acknowledged, 300);
    let run = server.post("/v1/analyze", "");
    assert_eq!(run["exchanges"], 300);
    let action = server.post(
        "/v1/accounts/acct-3/actions",
        &json!({"action": "block", "note": "chargebacks"}).to_string(),
    );
    assert_eq!(action["decision"]["action"], "block");
    // Acknowledged after the last run: must be replayed, not only snapshotted.
    acknowledged += server.post("/v1/exchanges", &batch(300, 400))["accepted"]
        .as_u64()
        .expect("accepted");
    let accounts_before = server.get("/v1/accounts");
    server.kill_9();

    let server = start(&data);
    // Verdicts and the decision table are back before any new run.
    let accounts_after = server.get("/v1/accounts");
    assert_eq!(accounts_after["run"], accounts_before["run"]);
    assert_eq!(accounts_after["accounts"], accounts_before["accounts"]);
    let check = server.post("/v1/check", &json!({"account_id": "acct-3"}).to_string());
    assert_eq!(check["action"], "block");
    assert_eq!(check["source"], "analyst");
    let audit = server.get("/v1/audit");
    assert_eq!(audit["audit"][0]["what"], "account.block");
    // Every acknowledged exchange is there: redelivery is all duplicates, and the next
    // run sees them all.
    let again = server.post("/v1/exchanges", &batch(0, 400));
    assert_eq!(again["accepted"], 0);
    assert_eq!(again["duplicates"], acknowledged);
    let run = server.post("/v1/analyze", "");
    assert_eq!(run["exchanges"], acknowledged);
    assert_eq!(run["run"], 2);
    server.kill_9();
}
