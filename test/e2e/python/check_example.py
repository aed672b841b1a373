"""Checks examples/python against the Python SDK generated from the component package's schema.

    check_example.py <example dir> <generated sdk dir> <Pulumi YAML example>

Runs the example's __main__.py under the Python SDK's mocks with the generated `pulumi_vmafx` importable, so every
class, enum and keyword it uses must exist in the SDK, and records the properties VmafxStack is registered with, in
the wire format the engine hands to the component provider's Construct. Those must equal the properties of the YAML
example, which deploys the same configuration (apart from the namespace name), and which the e2e previews for real.
Prints PASS/FAIL lines and "verify python-example: N passed, M failed"; exits 1 on any failure.
"""

import json
import os
import runpy
import sys

import pulumi
import yaml

COMPONENT_TYPE = "vmafx:index:VmafxStack"
results = {"passed": 0, "failed": 0}


def check(ok, message):
    results["passed" if ok else "failed"] += 1
    print(("PASS " if ok else "FAIL ") + message)


class RecordingMocks(pulumi.runtime.Mocks):
    def __init__(self):
        self.registered = []

    def new_resource(self, args):
        self.registered.append({"type": args.typ, "name": args.name, "inputs": args.inputs})
        # No outputs: the component's outputs come from its provider's Construct, and some share a name, not a type,
        # with an input (`namespace` is NamespaceSettings in, the namespace's name out).
        return [f"{args.name}-id", {}]

    def call(self, args):
        return {}


def yaml_component(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    found = [(name, r) for name, r in (doc.get("resources") or {}).items() if r.get("type") == COMPONENT_TYPE]
    if len(found) != 1:
        raise SystemExit(f"{path}: expected one {COMPONENT_TYPE} resource, found {len(found)}")
    return found[0][0], found[0][1].get("properties") or {}


def main(example_dir, sdk_dir, yaml_example):
    sys.path.insert(0, sdk_dir)
    mocks = RecordingMocks()
    pulumi.runtime.set_mocks(mocks, project="vmafx-python-example", stack="prod", preview=True)
    exported = {}
    # Stack outputs need a real stack resource; under mocks the example's exports are recorded instead.
    pulumi.export = lambda name, value: exported.__setitem__(name, value)

    @pulumi.runtime.test
    def run_example():
        runpy.run_path(os.path.join(example_dir, "__main__.py"), run_name="__main__")
        return pulumi.Output.all(*exported.values())

    try:
        run_example()
        check(True, f"examples/python runs against the generated SDK ({sdk_dir}) without a missing name")
    except Exception as e:  # a missing class, enum member or keyword surfaces here
        check(False, f"examples/python does not run against the generated SDK: {type(e).__name__}: {e}")
        return

    components = [r for r in mocks.registered if r["type"] == COMPONENT_TYPE]
    if len(components) != 1:
        check(False, f"expected one {COMPONENT_TYPE} registration, got {[r['type'] for r in mocks.registered]}")
        return
    got = components[0]["inputs"]
    name, want = yaml_component(yaml_example)
    check(components[0]["name"] == name, f"the component is named {components[0]['name']!r} as in the YAML example ({name!r})")
    check(set(exported) == {"namespace", "serviceUrl", "kubectlCommands", "networkPolicyHint"},
          f"the example exports the component's outputs {sorted(exported)}")
    # Same configuration; each example deploys into a namespace of its own.
    got = json.loads(json.dumps(got))
    got.get("namespace", {}).pop("name", None)
    want = json.loads(json.dumps(want))
    want.get("namespace", {}).pop("name", None)
    if got == want:
        check(True, "the Python example registers VmafxStack with exactly the YAML example's properties "
                    f"({len(want)} top-level inputs, namespace name aside)")
    else:
        check(False, "the Python example's properties differ from the YAML example's:\n  python " +
              json.dumps(got, sort_keys=True) + "\n  yaml   " + json.dumps(want, sort_keys=True))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
    print(f"verify python-example: {results['passed']} passed, {results['failed']} failed")
    sys.exit(0 if results["failed"] == 0 else 1)
