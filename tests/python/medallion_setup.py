"""Writes a config for a local medallion TAXII 2.1 server with one empty collection, and
pushes a bundle into it with taxii2-client once the server runs.

Usage:
  medallion_setup.py config DIR PORT     writes DIR/medallion.json, prints the collection URL
  medallion_setup.py push URL BUNDLE     adds BUNDLE's objects to the collection at URL
"""
import json
import sys

from taxii2client.v21 import Collection

COLLECTION_ID = "1f8b4a2c-5d3e-4b6a-9c7d-2e1f0a3b4c5d"
USER, PASSWORD = "partner", "medallion-secret"


def write_config(directory, port):
    config = {
        "backend": {
            "module": "medallion.backends.memory_backend",
            "module_class": "MemoryBackend",
            "filename": f"{directory}/medallion-data.json",
        },
        "users": {USER: PASSWORD},
        # A small page, so the importer has to follow `next`.
        "taxii": {"max_page_size": 4},
    }
    data = {
        "/discovery": {
            "title": "Partner TAXII server",
            "default": f"http://127.0.0.1:{port}/partner/",
            "api_roots": [f"http://127.0.0.1:{port}/partner/"],
        },
        "partner": {
            "information": {
                "title": "Partner API root",
                "versions": ["application/taxii+json;version=2.1"],
                "max_content_length": 10485760,
            },
            "status": [],
            "collections": [{
                "id": COLLECTION_ID,
                "title": "Distillation indicators",
                "can_read": True,
                "can_write": True,
                "media_types": ["application/stix+json;version=2.1"],
                "objects": [],
                "manifest": [],
            }],
        },
    }
    with open(f"{directory}/medallion.json", "w", encoding="utf-8") as f:
        json.dump(config, f)
    with open(f"{directory}/medallion-data.json", "w", encoding="utf-8") as f:
        json.dump(data, f)
    print(f"http://127.0.0.1:{port}/partner/collections/{COLLECTION_ID}/")


def push(url, bundle_path):
    with open(bundle_path, encoding="utf-8") as f:
        bundle = json.load(f)
    collection = Collection(url, user=USER, password=PASSWORD)
    status = collection.add_objects({"objects": bundle["objects"]})
    if status.success_count != len(bundle["objects"]):
        print(f"FAIL: medallion took {status.success_count} of {len(bundle['objects'])} objects")
        sys.exit(1)
    print(f"pushed {status.success_count} objects to medallion")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "config":
        write_config(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "push":
        push(sys.argv[2], sys.argv[3])
    else:
        print(__doc__)
        sys.exit(2)
