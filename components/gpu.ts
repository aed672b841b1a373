// GPU vendor -> device-plugin resource and VMAFX_BACKEND (chart.md §1, fixed for §9.13:
// a disabled GPU always means the CPU backend).
import type { GpuVendor } from "./args";
import { ResolvedArgs } from "./defaults";

/** Intel GPU drivers, for the resource name `gpu.intel.com/<driver>` (gpu.intelDriver). The vendors are args.ts's GpuVendor. */
export const INTEL_DRIVERS = ["i915", "xe"] as const;

const BACKEND: Record<GpuVendor, string> = { nvidia: "cuda", amd: "hip", intel: "sycl", cpu: "cpu" };

/** Extended resource requested per pod, or "" when no GPU is requested. */
export function gpuResourceName(gpu: ResolvedArgs["gpu"]): string {
    if (!gpu.enabled || gpu.vendor === "cpu") {
        return "";
    }
    if (gpu.resourceName) {
        return gpu.resourceName;
    }
    switch (gpu.vendor) {
        case "nvidia":
            return "nvidia.com/gpu";
        case "amd":
            return "amd.com/gpu";
        case "intel":
            return `gpu.intel.com/${gpu.intelDriver}`;
    }
    return "";
}

/** VMAFX_BACKEND for the scoring containers. */
export function backendFor(gpu: ResolvedArgs["gpu"]): string {
    return gpu.enabled ? BACKEND[gpu.vendor] : "cpu";
}

/** Container resources with the GPU limit added (limits only, as device plugins require). */
export function withGpu(gpu: ResolvedArgs["gpu"], resources: { limits: Record<string, string>; requests: Record<string, string> }) {
    const resource = gpuResourceName(gpu);
    const limits = resource ? { ...resources.limits, [resource]: String(gpu.count) } : { ...resources.limits };
    const out: { limits?: Record<string, string>; requests?: Record<string, string> } = {};
    if (Object.keys(limits).length > 0) out.limits = limits;
    if (Object.keys(resources.requests).length > 0) out.requests = { ...resources.requests };
    return out;
}
