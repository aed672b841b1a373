"""Runs examples/python against the Python SDK generated from the component package's schema, under mocks.

    record_example.py <example dir> <out.json>

The generated `vmafx_k8s_vmafx` (named from the schema's namespace vmafx-k8s and name vmafx) must be installed in
this interpreter. Every class, enum and keyword the example uses must exist in the SDK. What the example registers
(type, name and the properties in the wire format the engine hands to the component provider's Construct) and the
names it exports go to <out.json>, for verify.ts to compare with the YAML example. Exits 1, naming the error, when
the example does not run.
"""

import json
import os
import runpy
import sys

import pulumi


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


def main(example_dir, out):
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
    except Exception as e:  # a missing class, enum member or keyword surfaces here
        raise SystemExit(f"examples/python does not run against the generated SDK: {type(e).__name__}: {e}")
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"registered": mocks.registered, "exports": sorted(exported)}, f, indent=2)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
