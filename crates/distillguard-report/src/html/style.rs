//! The page's inline stylesheet, its filter script, and the colours every picture
//! shares (verdicts, models, link kinds), so a colour means the same thing everywhere.

use distillguard_model::Verdict;

pub const ATTACK: &str = "#c62828";
pub const SUSPICIOUS: &str = "#e08a00";
pub const BENIGN: &str = "#3a8f5c";

pub fn verdict_colour(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Attack => ATTACK,
        Verdict::Suspicious => SUSPICIOUS,
        Verdict::Benign => BENIGN,
    }
}

/// Colours for series (models) in order of first appearance.
const SERIES: [&str; 10] = [
    "#3d6fd9", "#e07b39", "#2a9d8f", "#9b5de5", "#d1495b", "#6a994e", "#8d6e63", "#00a6c7",
    "#b5838d", "#495057",
];

pub fn series_colour(index: usize) -> &'static str {
    SERIES[index % SERIES.len()]
}

/// The fixed colour of a link kind the graph crate emits (`None` for other kinds).
pub fn known_link_colour(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "payment" | "payment_fp" => "#8e24aa",
        "ip" => "#1e88e5",
        "subnet" | "asn" => "#5c6bc0",
        "template" => "#f4511e",
        "system_prompt" => "#ff8f00",
        "tool_schema" => "#7cb342",
        "sync" => "#00897b",
        "client" | "ua" | "user_agent" => "#6d4c41",
        "creation_burst" => "#d81b60",
        "org" | "org_id" => "#c0a000",
        "attached" => "#9e9e9e",
        _ => return None,
    })
}

/// Colour of a link kind: fixed for known kinds; others take a series colour by their
/// rank among the page's unknown kinds.
pub fn link_colour(kind: &str, unknown_rank: usize) -> &'static str {
    known_link_colour(kind).unwrap_or_else(|| series_colour(unknown_rank + 4))
}

pub const CSS: &str = r#"
:root{--ink:#1d2433;--muted:#5d6778;--line:#e3e7ee;--bg:#f4f6f9;--card:#fff;
--attack:#c62828;--suspicious:#e08a00;--benign:#3a8f5c;--accent:#3d6fd9}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);
font:14px/1.5 -apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"DejaVu Sans",sans-serif}
header.top{background:#16213a;color:#fff;padding:22px 32px 18px}
header.top h1{margin:0;font-size:22px;font-weight:650;letter-spacing:.2px}
header.top .sub{color:#b9c3d6;margin-top:2px}
nav{display:flex;gap:18px;margin-top:12px}
nav a{color:#dfe6f3;text-decoration:none;font-weight:550;font-size:13px;
border-bottom:2px solid transparent;padding-bottom:2px}
nav a:hover{border-color:#8fb0ff}
main{max-width:1280px;margin:0 auto;padding:20px 32px 40px}
section{margin-top:26px}
h2{font-size:18px;margin:0 0 12px;padding-bottom:6px;border-bottom:2px solid var(--line)}
h3{font-size:16px;margin:0 0 6px}
h4{font-size:12px;text-transform:uppercase;letter-spacing:.6px;color:var(--muted);margin:14px 0 6px}
.stats{display:grid;grid-template-columns:repeat(auto-fill,minmax(118px,1fr));gap:12px}
.stat{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px}
.stat .n{font-size:22px;font-weight:650;font-variant-numeric:tabular-nums}
.stat .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.5px}
.stat.attack{border-top:4px solid var(--attack)}.stat.attack .n{color:var(--attack)}
.stat.suspicious{border-top:4px solid var(--suspicious)}.stat.suspicious .n{color:#b36d00}
.stat.benign{border-top:4px solid var(--benign)}.stat.benign .n{color:var(--benign)}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:16px 18px;margin-bottom:16px;
box-shadow:0 1px 2px rgba(20,30,50,.04)}
.card.attack-edge{border-left:5px solid var(--attack)}
.facts{display:flex;flex-wrap:wrap;gap:6px 18px;color:var(--muted);margin-bottom:6px}
.facts b{color:var(--ink);font-variant-numeric:tabular-nums}
.chip{display:inline-block;background:#eef2fb;color:#24408e;border-radius:999px;padding:1px 9px;
font-size:12px;margin:0 4px 4px 0;font-weight:550}
.chip.t{background:#fdeeee;color:#9b1c1c}
.badge{display:inline-block;border-radius:4px;padding:0 7px;font-size:12px;font-weight:650;color:#fff}
.badge.attack{background:var(--attack)}.badge.suspicious{background:var(--suspicious)}
.badge.benign{background:var(--benign)}
ul.ev{margin:4px 0 0;padding-left:18px}ul.ev li{margin:3px 0}
ul.ev code{background:#f1f3f7;border-radius:4px;padding:0 4px;font-size:12px;color:#39465e}
.grid2{display:grid;grid-template-columns:minmax(0,1.1fr) minmax(0,1fr);gap:18px}
@media (max-width:900px){.grid2{grid-template-columns:1fr}}
svg{display:block;max-width:100%;height:auto}
.plot svg{width:100%}
svg.graph{width:100%;max-width:560px}
.halo{paint-order:stroke;stroke:#fff;stroke-width:3px;stroke-linejoin:round}
svg text{font:11px -apple-system,"Segoe UI",Roboto,Arial,"DejaVu Sans",sans-serif;fill:#4a5467}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px;color:var(--muted);margin-top:6px}
.sw{display:inline-block;width:12px;height:12px;border-radius:3px;vertical-align:-2px;margin-right:5px}
.sw.line{height:4px;border-radius:2px;vertical-align:2px;width:16px}
.sw.dot{border-radius:50%}
.share{display:flex;height:14px;border-radius:7px;overflow:hidden;background:#eceff4;margin:4px 0}
.share span{display:block;height:100%}
.note{color:var(--muted);font-size:12px;margin:6px 0 0}
.shared dt{font-weight:600;font-size:12px;color:var(--muted);margin-top:6px}
.shared dd{margin:2px 0 0;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;
font-size:12px;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;background:var(--card);font-size:13px}
th{text-align:left;font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.4px;
border-bottom:2px solid var(--line);padding:7px 8px;position:sticky;top:0;background:var(--card)}
td{border-bottom:1px solid var(--line);padding:6px 8px;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12px;overflow-wrap:anywhere}
tr:hover td{background:#f8fafd}
.tablewrap{border:1px solid var(--line);border-radius:10px;overflow:auto;max-height:720px}
.scorebar{display:inline-block;width:56px;height:6px;background:#eceff4;border-radius:3px;margin-left:6px;vertical-align:middle}
.scorebar i{display:block;height:100%;border-radius:3px}
.filters{display:flex;gap:10px;align-items:center;margin-bottom:10px;flex-wrap:wrap}
.filters input,.filters select{font:inherit;padding:6px 10px;border:1px solid #c9d0dc;border-radius:8px;background:#fff}
.filters input{min-width:320px}
a{color:var(--accent)}
footer{color:var(--muted);font-size:12px;text-align:center;padding:24px}
details summary{cursor:pointer;color:var(--muted)}
pre{background:#f1f3f7;border-radius:8px;padding:10px;overflow:auto;font-size:12px}
"#;

/// Filters the account table by free text and verdict. Reads only the page's own DOM.
pub const FILTER_JS: &str = r#"
(function(){
var q=document.getElementById('acct-filter'),v=document.getElementById('acct-verdict'),
c=document.getElementById('acct-count');
if(!q||!v)return;
var rows=document.querySelectorAll('#acct-table tbody tr');
function apply(){var t=q.value.toLowerCase(),w=v.value,n=0;
for(var i=0;i<rows.length;i++){var r=rows[i];
var ok=(!w||r.getAttribute('data-verdict')===w)&&(!t||r.textContent.toLowerCase().indexOf(t)>=0);
r.style.display=ok?'':'none';if(ok)n++;}
c.textContent=n+' of '+rows.length+' listed accounts shown';}
q.addEventListener('input',apply);v.addEventListener('change',apply);apply();
})();
"#;
