// Tells a Pulumi Output apart without loading @pulumi/pulumi: the SDK marks every Output with
// `__pulumiOutput: true` and tests exactly that member (Output.isInstance). The pure plan
// (render, docs, validation) must not pay the SDK's start-up.
export function isOutput(value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as { __pulumiOutput?: unknown }).__pulumiOutput === true;
}
