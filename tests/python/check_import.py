"""Checks the indicators `distillguard intel import` wrote from fixtures/stix/partner-bundle.json.

Usage: check_import.py INTEL_JSON
"""
import json
import sys

EXPECTED = {
    ("ip", "192.0.2.200"),
    ("subnet", "198.18.7.0/24"),
    ("ip", "2001:db8:beef::10"),
    ("ip", "2001:db8:beef::11"),
    ("asn", "64496"),
    ("user_agent", "distill-harvester/1.2"),
    ("payment_fp_sha256", "dab40227263a5322242e15fe2e365d7104bd770251376a27df291bf8e72e2efd"),
    ("template_fp", "c0ffee00deadbeef"),
}

with open(sys.argv[1], encoding="utf-8") as f:
    indicators = json.load(f)
got = {(i["kind"], i["value"]) for i in indicators}
if got != EXPECTED or len(indicators) != len(EXPECTED):
    print(f"FAIL: unexpected indicators\n  missing: {EXPECTED - got}\n  extra: {got - EXPECTED}")
    sys.exit(1)
if {i["source"] for i in indicators} != {"Example Partner AI"}:
    print(f"FAIL: sources {sorted({i['source'] for i in indicators})}")
    sys.exit(1)
print(f"ok: {len(indicators)} partner indicators, as expected")
