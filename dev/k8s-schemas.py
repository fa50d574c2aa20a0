#!/usr/bin/env python3
"""Kubernetes JSON schemas for kubeconform, made offline from the OpenAPI spec (swagger.json)
that the Kubernetes Go module ships (k8s.io/kubernetes, api/openapi-spec/), in the layout
kubeconform's -schema-location template "{{ .ResourceKind }}{{ .KindSuffix }}.json" expects:
one file per kind referring to _definitions.json. Strict, as openapi2jsonschema --strict: an
object with known properties refuses unknown ones (a misspelt field fails). int-or-string and
quantities accept both forms, as the API server does.

    k8s-schemas.py SWAGGER_JSON OUT_DIR
"""
import json
import os
import sys

INT_OR_STRING = {"oneOf": [{"type": "string"}, {"type": "integer"}]}
QUANTITY = {"oneOf": [{"type": "string"}, {"type": "number"}]}


def fix(node):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            node["$ref"] = "_definitions.json" + ref
        if node.get("format") == "int-or-string":
            return dict(INT_OR_STRING)
        out = {k: fix(v) for k, v in node.items()}
        if (out.get("type") == "object" and "properties" in out and "additionalProperties" not in out
                and not out.get("x-kubernetes-preserve-unknown-fields")):
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [fix(v) for v in node]
    return node


def main(swagger, out_dir):
    with open(swagger) as f:
        definitions = json.load(f)["definitions"]
    fixed = {}
    for name, schema in definitions.items():
        if name == "io.k8s.apimachinery.pkg.api.resource.Quantity":
            fixed[name] = dict(QUANTITY)
        elif name == "io.k8s.apimachinery.pkg.util.intstr.IntOrString":
            fixed[name] = dict(INT_OR_STRING)
        else:
            fixed[name] = fix(schema)
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "_definitions.json"), "w") as f:
        json.dump({"definitions": fixed}, f)
    kinds = 0
    for name, schema in definitions.items():
        for gvk in schema.get("x-kubernetes-group-version-kind", []):
            group, version, kind = gvk.get("group", ""), gvk["version"], gvk["kind"]
            suffix = "-" + version if not group else "-" + group.split(".")[0] + "-" + version
            path = os.path.join(out_dir, kind.lower() + suffix + ".json")
            with open(path, "w") as f:
                json.dump({"$ref": "_definitions.json#/definitions/" + name}, f)
            kinds += 1
    print(f"k8s-schemas: {kinds} kinds in {out_dir}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
