"""Checks a bundle exported by `distillguard intel export` with the reference STIX tools.

Usage: validate_bundle.py BUNDLE REPORT

- stix2-validator in strict mode (every SHOULD is an error) with reference checking;
- every indicator pattern with stix2-patterns;
- stix2.parse(..., allow_custom=False): custom content only via extension definitions;
- privacy: no account id, raw payment fingerprint or evidence text of REPORT in the bundle;
- shape: campaigns, ATLAS attack patterns, TLP marking, indicators of every kind.
Exits non-zero with the reasons on failure.
"""
import json
import sys

import stix2
from stix2patterns.validator import run_validator
from stix2validator import ValidationOptions, validate_file


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def main(bundle_path, report_path):
    results = validate_file(bundle_path, ValidationOptions(strict=True, enforce_refs=True))
    if not results.is_valid:
        for result in results.object_results:
            for error in result.errors:
                print(f"  {result.object_id}: {error}")
        fail("stix2-validator --strict rejects the bundle")

    with open(bundle_path, encoding="utf-8") as f:
        bundle = json.load(f)
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)

    objects = bundle["objects"]
    indicators = [o for o in objects if o["type"] == "indicator"]
    for indicator in indicators:
        errors = run_validator(indicator["pattern"], stix_version="2.1")
        if errors:
            fail(f"pattern {indicator['pattern']!r}: {errors}")

    try:
        parsed = stix2.parse(bundle, allow_custom=False)
    except Exception as err:  # noqa: BLE001 - any parse failure is the finding
        fail(f"stix2.parse(allow_custom=False): {err}")
    if len(parsed.objects) != len(objects):
        fail("stix2.parse lost objects")

    text = json.dumps(bundle)
    for account in report["accounts"]:
        if account["account_id"] in text:
            fail(f"account id {account['account_id']!r} leaked into the bundle")
        for evidence in account.get("evidence", []):
            detail = evidence.get("detail", "")
            if len(detail) > 20 and detail in text:
                fail(f"evidence text leaked: {detail!r}")
    for cluster in report["clusters"]:
        for fp in cluster["shared"].get("payment_fps", []):
            if fp in text:
                fail(f"raw payment fingerprint {fp!r} leaked")

    types = {o["type"] for o in objects}
    for needed in ("identity", "marking-definition", "campaign", "attack-pattern", "indicator",
                   "relationship", "sighting", "extension-definition"):
        if needed not in types:
            fail(f"no {needed} in the bundle")
    if len([o for o in objects if o["type"] == "campaign"]) != len(report["campaigns"]):
        fail("one campaign per report campaign expected")
    atlas = {ref["external_id"] for o in objects if o["type"] == "attack-pattern"
             for ref in o.get("external_references", []) if ref.get("source_name") == "mitre-atlas"}
    if not {"AML.T0024.002", "AML.T0040"} <= atlas:
        fail(f"ATLAS techniques missing: {atlas}")
    prefixes = ("[ipv4-addr:value = ", "[ipv4-addr:value ISSUBSET ", "[autonomous-system:number = ",
                "[network-traffic:extensions.'http-request-ext'", "[distillguard-payment-fingerprint:",
                "[distillguard-prompt-template:")
    for prefix in prefixes:
        if not any(i["pattern"].startswith(prefix) for i in indicators):
            fail(f"no indicator with a pattern starting {prefix!r}")
    print(f"ok: {len(objects)} objects, {len(indicators)} indicators; strict validation, "
          f"patterns, stix2.parse(allow_custom=False) and privacy checks pass")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        fail("usage: validate_bundle.py BUNDLE REPORT")
    main(sys.argv[1], sys.argv[2])
