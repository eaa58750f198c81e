"""Prints a YAML file as compact JSON, keys in document order (cmake/EmbedText.cmake)."""
import json
import sys

import yaml

with open(sys.argv[1], encoding="utf-8") as source:
    document = yaml.safe_load(source)
# ensure_ascii: the JSON is pure ASCII whatever the YAML holds, so it embeds byte-safely.
json.dump(document, sys.stdout, separators=(",", ":"), ensure_ascii=True)
