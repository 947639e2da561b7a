"""Drives `distillguard serve` with the reference TAXII 2.1 client (taxii2-client).

Usage: taxii_client_check.py DISCOVERY_URL ADMIN_TOKEN PARTNER_TOKEN PARTNER_BUNDLE

Discovers the server, lists collections, reads distillguard-indicators page by page and
with added_after, pushes PARTNER_BUNDLE to partner-intel as the partner, checks rights
and refusals (wrong token: 401). Exits non-zero with the reason on failure.
"""
import json
import sys

import requests
from taxii2client.exceptions import AccessError
from taxii2client.v21 import Collection, Server, as_pages

TAXII = "application/taxii+json;version=2.1"


def fail(message):
    print(f"FAIL: {message}")
    sys.exit(1)


def check(condition, message):
    if not condition:
        fail(message)


def main(discovery_url, admin_token, partner_token, bundle_path):
    # Discovery and API root, with the token as the HTTP Basic password.
    server = Server(discovery_url, user="admin", password=admin_token)
    check(server.title, "discovery has no title")
    check(len(server.api_roots) == 1 and server.default is not None, "one default API root expected")
    root = server.default
    check(TAXII in root.versions, f"API root versions {root.versions}")

    collections = {c.alias: c for c in root.collections}
    check(set(collections) == {"distillguard-indicators", "partner-intel"},
          f"collections {sorted(collections)}")
    indicators = collections["distillguard-indicators"]
    check(indicators.can_read and not indicators.can_write, "distillguard-indicators is read-only")

    # Everything at once, then page by page: same objects, in the same order, once each.
    everything = indicators.get_objects(limit=1000)
    all_ids = [o["id"] for o in everything.get("objects", [])]
    check(len(all_ids) > 20, f"expected the published report, got {len(all_ids)} objects")
    paged_ids, pages = [], 0
    for envelope in as_pages(indicators.get_objects, per_request=7):
        pages += 1
        paged_ids.extend(o["id"] for o in envelope.get("objects", []))
    check(paged_ids == all_ids, "paging with limit/next does not give every object exactly once")
    check(pages == -(-len(all_ids) // 7), f"{pages} pages for {len(all_ids)} objects at 7 per page")

    # added_after: from the manifest's date_added of the 10th object, the rest.
    manifest = indicators.get_manifest(limit=1000)["objects"]
    check([m["id"] for m in manifest] == all_ids, "manifest and objects disagree")
    after = manifest[9]["date_added"]
    rest = indicators.get_objects(added_after=after, limit=1000).get("objects", [])
    check([o["id"] for o in rest] == all_ids[10:], "added_after does not give exactly the later objects")
    one = indicators.get_object(all_ids[0])["objects"]
    check(len(one) == 1 and one[0]["id"] == all_ids[0], "get_object")
    campaigns = indicators.get_objects(type="campaign").get("objects", [])
    check(campaigns and all(o["type"] == "campaign" for o in campaigns), "match[type]")

    # Headers, straight from HTTP.
    response = requests.get(indicators.url + "objects/", params={"limit": 3},
                            headers={"Accept": TAXII, "Authorization": f"Bearer {admin_token}"},
                            timeout=10)
    check(response.status_code == 200, f"Bearer read: HTTP {response.status_code}")
    check(response.headers["Content-Type"] == TAXII, "content type")
    check("X-TAXII-Date-Added-First" in response.headers and "X-TAXII-Date-Added-Last" in response.headers,
          "X-TAXII-Date-Added-First/Last headers")
    check(response.json()["more"] is True and "next" in response.json(), "more/next on a partial page")

    # The partner: reads our indicators, writes partner-intel, cannot read what others pushed.
    partner_root = Server(discovery_url, user="partner-a", password=partner_token).default
    partner_collections = {c.alias: c for c in partner_root.collections}
    partner_intel = partner_collections["partner-intel"]
    check(partner_intel.can_write and not partner_intel.can_read, "partner rights on partner-intel")
    with open(bundle_path, encoding="utf-8") as f:
        bundle = json.load(f)
    status = partner_intel.add_objects({"objects": bundle["objects"]})
    check(status.status == "complete", f"status {status.status}")
    check(status.success_count == len(bundle["objects"]) and status.failure_count == 0,
          f"push: {status.success_count} ok, {status.failure_count} failed")
    try:
        partner_intel.get_objects()
        fail("partner could read partner-intel")
    except AccessError:
        pass

    # The admin sees what the partner pushed.
    pushed = collections["partner-intel"].get_objects(limit=1000).get("objects", [])
    check({o["id"] for o in pushed} == {o["id"] for o in bundle["objects"]}, "pushed objects stored")

    # Wrong or missing credentials: 401 with a TAXII error body.
    for auth in ({"Authorization": "Bearer wrong"}, {}):
        response = requests.get(discovery_url, headers={"Accept": TAXII, **auth}, timeout=10)
        check(response.status_code == 401, f"bad credentials: HTTP {response.status_code}")
        check(response.json().get("http_status") == "401", "401 body is a TAXII error")
    health = requests.get(discovery_url.replace("/taxii2/", "/healthz"), timeout=10)
    check(health.status_code == 200, "healthz without a token")
    print(f"ok: discovery, {len(collections)} collections, {len(all_ids)} objects in {pages} pages, "
          f"added_after, partner push of {status.success_count} objects, rights and 401s")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        fail("usage: taxii_client_check.py DISCOVERY_URL ADMIN_TOKEN PARTNER_TOKEN PARTNER_BUNDLE")
    main(*sys.argv[1:])
