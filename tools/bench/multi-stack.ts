// Benchmark program: N VmafxStack instances (N from VMAFX_BENCH_STACKS, default 10) in one stack,
// each from the stack's config with its own component name (so its own resource names) and its own
// namespace vmafx-<i>. Run by tools/bench.ts through runProgram's `program` option.
import { VmafxStack } from "@vmafx-k8s/vmafx";
import { loadStackArgs } from "../../stacks";

const count = Number(process.env.VMAFX_BENCH_STACKS ?? "10");
if (!Number.isInteger(count) || count < 1) throw new Error(`VMAFX_BENCH_STACKS must be a positive integer, got ${process.env.VMAFX_BENCH_STACKS}`);

for (let i = 0; i < count; i++) {
    const name = `vmafx${i}`;
    const args = loadStackArgs(name);
    new VmafxStack(name, { ...args, namespace: { ...args.namespace, name: `vmafx-${i}` } });
}
